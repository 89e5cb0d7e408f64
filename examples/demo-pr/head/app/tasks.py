"""Background jobs."""
import os
import subprocess


def mirror(repo_url, dest):
    os.system(f"git clone --mirror {repo_url} {dest}")
