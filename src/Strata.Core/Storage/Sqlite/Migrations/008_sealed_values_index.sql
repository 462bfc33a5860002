-- Encrypted values are few, and start-up asks for them (a value stored encrypted stays a secret whatever today's
-- definitions say), as do key rotation and its counts. A partial index holds only the history rows that have one,
-- so those questions read a handful of pages instead of the whole history, and a commit of plain values writes no
-- page of it.
CREATE INDEX history_sealed ON history (namespace, key)
    WHERE substr(old_value, 1, 5) = '$enc:' OR substr(new_value, 1, 5) = '$enc:';
