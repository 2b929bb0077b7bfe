"""Airflow's task exceptions, as airflow.exceptions defines them (stand-in)."""


class AirflowException(Exception):
    """A task failed: Airflow retries it while it has retries left."""


class AirflowFailException(AirflowException):
    """A task failed and must not be retried."""


class AirflowSkipException(AirflowException):
    """The task is marked skipped."""
