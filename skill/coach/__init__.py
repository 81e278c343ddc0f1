"""The conversation: state and the Coach, a pure state machine with no I/O and no wording."""
