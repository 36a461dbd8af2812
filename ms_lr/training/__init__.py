"""What connects schedules to training: callbacks for ``Model.train``/``Model.fit``."""
