"""Running a command: each verb kind plans its requests, then they are sent and shown."""
