"""A stand-in for the few parts of Apache Airflow 2.x that a cauce DAG file uses (no Airflow can be
installed here). It records the DAG and its tasks; it is not Airflow and proves nothing about it."""


class DAG:
    current = None

    def __init__(self, dag_id, schedule=None, start_date=None, catchup=True, max_active_runs=16, default_args=None,
                 description=None, tags=None):
        self.dag_id = dag_id
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.default_args = default_args or {}
        self.description = description
        self.tags = tags or []
        self.tasks = []

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        return False
