"""Staff side of reporters: sealed identity reveal, replies to the reporter, feedback (反馈)."""
