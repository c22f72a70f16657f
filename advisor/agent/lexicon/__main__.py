from advisor.agent.lexicon import main

raise SystemExit(main())
