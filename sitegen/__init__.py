"""sitegen: the engine behind build.py. Read pipeline.py first: it shows the phases."""

__version__ = "0.1.0"
