-- procrastinate's fetch (procrastinate_fetch_job_v2) passes over a job while another job with the same
-- lock runs or waits ahead of it. Its only index on `lock` among waiting jobs leads with `id`, so that
-- check read the whole index: 2.4 ms a fetch with 100,000 reconciles waiting, growing with the
-- backlog (bench/job_fetch.py). Indexed by lock, it is one lookup.
CREATE INDEX hirebridge_jobs_lock_waiting_idx ON procrastinate_jobs (lock)
WHERE status IN ('todo', 'doing');
