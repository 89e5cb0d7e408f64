"""A new module in this pull request."""


def evaluate(expression):
    return eval(expression)


def safe_total(values):
    return sum(values)
