"""Run every benchmark module and print one table of (metric, value)."""

from bench import trainers

rows = trainers.run()
width = max(len(name) for name, _ in rows)
print(f"{'metric'.ljust(width)}  value")
for name, value in rows:
    print(f"{name.ljust(width)}  {value}")
