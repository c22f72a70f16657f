"""Answer backends. Offline (the extractive composer in advisor.agent.compose) is the default; an
OpenAI-compatible endpoint is used when ADVISOR_LLM_BASE_URL is set."""
