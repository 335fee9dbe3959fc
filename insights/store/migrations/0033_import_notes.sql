-- What an imported file lacks and what follows for its figures ("No Reach column: engagement
-- rate cannot be computed for these posts."), one sentence a line; NULL when it lacks nothing.
-- Kept with the import so the Data page says it after the import too.
ALTER TABLE imports ADD COLUMN notes VARCHAR;
