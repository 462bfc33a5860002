-- Point-in-time reads by timestamp, and namespace history pages, without a scan of the whole history.
CREATE INDEX history_by_time ON history (at);
CREATE INDEX history_by_namespace ON history (namespace, revision);
