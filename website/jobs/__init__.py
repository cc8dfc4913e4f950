"""Background jobs an admin user starts and watches: an import, an export, a bulk change.

A kind of job is registered once (`register_job_kind`), started with `job_start`, run by the
task worker (`run_job`), and followed on its admin page, which polls its progress.
"""
