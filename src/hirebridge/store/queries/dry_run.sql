-- name: list_effect_subjects
-- Subjects hirebridge has written something for (a plan of everything includes those to close).
SELECT DISTINCT connection, subject_kind, subject_id
FROM effects
ORDER BY connection, subject_kind, subject_id;
