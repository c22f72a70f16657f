() => {
  // Citations you can follow: every "[n]" in an answer becomes a button that scrolls to source n's card,
  // opens its passage or rows, and highlights it. The answer stays plain (escaped) Markdown on the server;
  // this only rewrites text nodes in the browser, so it cannot inject anything the answer did not say.
  const CITE = /\[(\d{1,2})\]/g;
  const skip = (el) => !el || el.closest(".adv-cite, code, pre, textarea, button");
  function chipify(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (skip(n.parentElement) ? NodeFilter.FILTER_REJECT
        : (/\[\d{1,2}\]/.test(n.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP)),
    });
    const found = [];
    while (walker.nextNode()) found.push(walker.currentNode);
    for (const node of found) {
      const text = node.nodeValue;
      const frag = document.createDocumentFragment();
      let last = 0;
      for (const m of text.matchAll(CITE)) {
        frag.append(text.slice(last, m.index));
        const chip = document.createElement("button");
        chip.type = "button";
        chip.className = "adv-cite";
        chip.dataset.n = m[1];
        chip.textContent = m[0];
        chip.setAttribute("aria-label", "Show source " + m[1]);
        frag.append(chip);
        last = m.index + m[0].length;
      }
      frag.append(text.slice(last));
      node.replaceWith(frag);
    }
  }
  let queued = false;
  function scan() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      document.querySelectorAll('#chatbot [data-testid="bot"]').forEach(chipify);
    });
  }
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });

  function showSource(n) {
    const card = document.getElementById("adv-src-" + n);
    if (!card) return;
    document.querySelectorAll(".adv-src.adv-flash").forEach((c) => c.classList.remove("adv-flash"));
    const details = card.querySelector("details");
    if (details) details.open = true;
    card.classList.add("adv-flash");
    card.scrollIntoView({ behavior: "smooth", block: "start" });
    card.focus({ preventScroll: true });
  }
  document.addEventListener("click", (e) => {
    const chip = e.target.closest(".adv-cite");
    if (chip) {
      e.preventDefault();
      showSource(chip.dataset.n);
      return;
    }
    const head = e.target.closest(".adv-src-head");
    if (head) {
      const details = head.parentElement.querySelector("details");
      if (details) details.open = !details.open;
    }
  });

  // The character counter: visible before sending, so a long question is shortened before it is refused.
  setInterval(() => {
    const box = document.querySelector("#question textarea");
    const out = document.getElementById("adv-counter");
    if (!box || !out) return;
    const limit = Number(out.dataset.limit || 0);
    const used = box.value.trim().length;
    const text = used.toLocaleString("en-US") + " / " + limit.toLocaleString("en-US") + " characters";
    if (out.textContent !== text) out.textContent = text;
    out.classList.toggle("adv-over", limit > 0 && used > limit);
  }, 250);
}
