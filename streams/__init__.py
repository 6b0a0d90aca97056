"""The stream side: the Faust app and its agents, the embedded broker, and the worker runner."""
