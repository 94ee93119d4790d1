"""The runtime: the Faust app and agents, the dead-letter path, the CLI, the in-process runner
and the kafka-python tools."""
