"""Loads a cauce DAG file with the Airflow stand-in (stub/) and prints what it holds, or runs it.

  python3 run_dag.py DAG_FILE describe        the DAG and its tasks as JSON
  python3 run_dag.py DAG_FILE codes N...      each exit code N through the DAG's operator: the exception raised
  python3 run_dag.py DAG_FILE run RUN_ID      every task's command in dependency order, from the working directory,
                                              with trigger rules and retries as Airflow applies them (no delays)
"""
import importlib.util
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # leave no __pycache__ beside the stand-in or the DAG file
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub"))

from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException  # noqa: E402


def load(path):
    spec = importlib.util.spec_from_file_location("cauce_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def topological(tasks):
    done, order = set(), []
    while len(order) < len(tasks):
        for t in tasks:
            if t.task_id not in done and all(u in done for u in t.upstream_task_ids):
                done.add(t.task_id)
                order.append(t)
                break
        else:
            raise SystemExit("cycle")
    return order


def attempt(task, context):
    try:
        task.execute(context)
        return "success", None
    except AirflowSkipException as e:
        return "skipped", e
    except AirflowFailException as e:
        return "failed", e
    except AirflowException as e:
        return "retry", e


def main():
    module = load(sys.argv[1])
    dag, what = module.dag, sys.argv[2]
    if what == "describe":
        print(json.dumps({
            "dag_id": dag.dag_id, "max_active_runs": dag.max_active_runs, "catchup": dag.catchup, "schedule": dag.schedule,
            "retries": dag.default_args.get("retries"),
            "tasks": [{"task_id": t.task_id, "upstream": sorted(t.upstream_task_ids), "trigger_rule": t.trigger_rule,
                       "retries": t.retries, "skip_on_exit_code": t.skip_on_exit_code, "env": t.env,
                       "bash_command": t.bash_command} for t in topological(dag.tasks)]}, indent=1))
    elif what == "codes":
        for code in sys.argv[3:]:
            op = module.CauceOperator(task_id="code_" + code, bash_command="exit " + code)
            state, error = attempt(op, {"run_id": "r"})
            print(json.dumps({"exit_code": int(code), "outcome": module.outcome(int(code)),
                              "raised": type(error).__name__ if error else None}))
    elif what == "run":
        context, states = {"run_id": sys.argv[3]}, {}
        for task in topological(dag.tasks):
            ups = [states[u] for u in task.upstream_task_ids]
            if any(s in ("failed", "upstream_failed") for s in ups):
                states[task.task_id] = "upstream_failed"
            elif task.trigger_rule == "all_success" and any(s == "skipped" for s in ups):
                states[task.task_id] = "skipped"
            else:
                codes, started = [], time.time()
                for _ in range(task.retries + 1):
                    state, _ = attempt(task, context)
                    codes.append(task.subprocess_hook.sub_process.returncode)
                    if state != "retry":
                        break
                states[task.task_id] = "failed" if state == "retry" else state
                print(json.dumps({"task": task.task_id, "exit_codes": codes, "state": states[task.task_id],
                                  "seconds": round(time.time() - started, 1)}), flush=True)
                continue
            print(json.dumps({"task": task.task_id, "exit_codes": [], "state": states[task.task_id]}), flush=True)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
