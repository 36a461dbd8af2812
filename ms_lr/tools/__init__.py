"""Tools around the schedules: configs (dict/YAML/JSON), plots and the command line."""
