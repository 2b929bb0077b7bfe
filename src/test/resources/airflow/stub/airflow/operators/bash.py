"""BashOperator as Airflow 2.x's airflow/operators/bash.py behaves (stand-in): `bash -c bash_command`
through a subprocess hook that keeps the process (sub_process), env templated and added to the
environment with append_env, exit codes in skip_on_exit_code raise AirflowSkipException, any other
non-zero code AirflowException("Bash command failed. The command returned a non-zero exit code N.")."""
import os
import subprocess

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowSkipException


class SubprocessHook:
    def __init__(self):
        self.sub_process = None

    def run_command(self, command, env=None, cwd=None):
        self.sub_process = subprocess.Popen(command, env=env, cwd=cwd)
        self.sub_process.wait()
        return self.sub_process.returncode


def render(text, context):
    for key, value in context.items():
        text = text.replace("{{ " + key + " }}", value)
    return text


class BashOperator:
    def __init__(self, *, task_id, bash_command, env=None, append_env=False, skip_on_exit_code=99, cwd=None,
                 trigger_rule="all_success", retries=None):
        self.task_id = task_id
        self.bash_command = bash_command
        self.env = env
        self.append_env = append_env
        codes = skip_on_exit_code if isinstance(skip_on_exit_code, (list, tuple, set)) else [skip_on_exit_code]
        self.skip_on_exit_code = [c for c in codes if c is not None]
        self.cwd = cwd
        self.trigger_rule = trigger_rule
        self.dag = DAG.current  # None outside a `with DAG(...)` block
        self.retries = retries if retries is not None else (self.dag.default_args.get("retries", 0) if self.dag else 0)
        self.upstream_task_ids = []
        self.subprocess_hook = SubprocessHook()
        if self.dag:
            self.dag.tasks.append(self)

    def __rshift__(self, other):
        other.upstream_task_ids.append(self.task_id)
        return other

    def execute(self, context):
        env = os.environ.copy() if self.append_env or self.env is None else {}
        env.update({k: render(v, context) for k, v in (self.env or {}).items()})
        code = self.subprocess_hook.run_command(["bash", "-c", render(self.bash_command, context)], env=env, cwd=self.cwd)
        if code in self.skip_on_exit_code:
            raise AirflowSkipException(f"Bash command returned exit code {code}. Skipping.")
        if code != 0:
            raise AirflowException(f"Bash command failed. The command returned a non-zero exit code {code}.")
        return None
