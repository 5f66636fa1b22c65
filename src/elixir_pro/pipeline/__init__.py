"""The agent's delivery pipeline (phases 6-9): OpenSpec contracts, TaskMaster tasks and the four
phase gates judged with evidence. No Textual; used by ``elixir-pro gates``, the backends'
prompts and the TUI's gates and tasks panels."""
