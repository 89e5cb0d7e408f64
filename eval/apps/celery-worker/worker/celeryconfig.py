broker_url = "amqp://worker:w0rk3rP4ss@rabbitmq:5672//"
result_backend = "redis://redis:6379/1"
task_serializer = "pickle"
result_serializer = "json"
accept_content = ["json", "pickle"]
timezone = "UTC"
task_acks_late = True
worker_prefetch_multiplier = 1
task_routes = {
    "worker.tasks.convert_document": {"queue": "documents"},
    "worker.tasks.fetch_feed": {"queue": "feeds"},
}
