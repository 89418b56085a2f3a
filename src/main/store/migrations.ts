/** Numbered schema migrations, applied in order inside one transaction at open. */
export const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','cancelled','interrupted')),
        config TEXT NOT NULL,
        seed INTEGER NOT NULL,
        backend TEXT,
        environment TEXT,
        app_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        notes TEXT NOT NULL DEFAULT '',
        progress TEXT
      );
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_kind ON runs(kind);

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      );

      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        name TEXT NOT NULL,
        value REAL,
        lower REAL,
        upper REAL,
        PRIMARY KEY (run_id, model, name)
      );

      CREATE TABLE series (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (run_id, model, name)
      );

      CREATE TABLE series_points (
        series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        x REAL NOT NULL,
        value REAL,
        lower REAL,
        upper REAL,
        PRIMARY KEY (series_id, idx)
      );
    `
  },
  {
    // Imported CSV files, kept whole: a run's process gets the text, the list shows the rest.
    version: 2,
    sql: `
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at TEXT NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        bytes INTEGER NOT NULL CHECK (bytes = length(CAST(content AS BLOB))),
        columns TEXT NOT NULL CHECK (json_valid(columns) AND json_type(columns) = 'array'),
        rows INTEGER NOT NULL CHECK (rows >= 1),
        label_candidates TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(label_candidates)),
        content TEXT NOT NULL
      );
    `
  },
  {
    // Run history: what the runs table sorts and filters on, kept in columns so that it is SQL
    // (key metric, data set, duration, search text), re-runs, and saved comparisons. The store
    // fills the new columns of existing runs after this migration (see RunStore.fillHistory).
    version: 3,
    sql: `
      ALTER TABLE runs ADD COLUMN key_label TEXT;
      ALTER TABLE runs ADD COLUMN key_value REAL;
      ALTER TABLE runs ADD COLUMN key_lower REAL;
      ALTER TABLE runs ADD COLUMN key_upper REAL;
      ALTER TABLE runs ADD COLUMN dataset TEXT;
      ALTER TABLE runs ADD COLUMN search_text TEXT;
      -- Not a foreign key: a re-run still says which run it repeated after that run is deleted.
      ALTER TABLE runs ADD COLUMN rerun_of INTEGER;
      ALTER TABLE runs ADD COLUMN duration REAL GENERATED ALWAYS AS
        ((julianday(finished_at) - julianday(started_at)) * 86400.0) VIRTUAL;
      CREATE INDEX runs_created ON runs(created_at);
      CREATE INDEX runs_name ON runs(name COLLATE NOCASE);
      CREATE INDEX runs_seed ON runs(seed);
      CREATE INDEX runs_backend ON runs(backend);
      CREATE INDEX runs_key ON runs(key_value);
      CREATE INDEX runs_dataset ON runs(dataset);
      CREATE INDEX runs_duration ON runs(duration);
      CREATE INDEX run_tags_tag ON run_tags(tag);

      CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        run_ids TEXT NOT NULL CHECK (json_valid(run_ids) AND json_type(run_ids) = 'array'),
        created_at TEXT NOT NULL
      );
    `
  },
  {
    // Which open store started a run (host, process id, store instance), so that a second
    // process opening the same file (the CLI next to the app) leaves the first one's runs alone.
    version: 4,
    sql: `
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_instance TEXT;
    `
  },
  {
    // The SHA-256 of the imported CSV file a run reads, so that a re-run or a bundle finds that
    // exact content (and never another file that got the same id in another lab). Filled from
    // what finished runs recorded, else from the data set their config names.
    version: 5,
    sql: `
      ALTER TABLE runs ADD COLUMN data_sha256 TEXT
        CHECK (data_sha256 IS NULL OR (length(data_sha256) = 64 AND data_sha256 NOT GLOB '*[^0-9a-f]*'));
      UPDATE runs SET data_sha256 = json_extract(environment, '$.dataFile.sha256')
        WHERE json_valid(environment) AND json_extract(environment, '$.dataFile.sha256') IS NOT NULL;
      UPDATE runs SET data_sha256 =
          (SELECT sha256 FROM datasets WHERE datasets.id = json_extract(runs.config, '$.dataset.datasetId'))
        WHERE data_sha256 IS NULL AND json_extract(config, '$.dataset.kind') = 'csv';
      CREATE INDEX datasets_sha256 ON datasets(sha256);
    `
  },
  {
    // Monte Carlo nulls of the detection statistics (SCIENCE.md section 11), one per shape, seed,
    // backend and method: every run of that shape and seed, and every θ of a frontier, shares it.
    // draw_values holds the statistics of draws 0..draws-1 as JSON arrays of numbers.
    version: 6,
    sql: `
      CREATE TABLE detect_nulls (
        d INTEGER NOT NULL CHECK (d >= 1),
        m INTEGER NOT NULL CHECK (m >= 1),
        k INTEGER NOT NULL CHECK (k >= 1 AND k <= d),
        seed INTEGER NOT NULL,
        backend TEXT NOT NULL,
        method TEXT NOT NULL,
        draws INTEGER NOT NULL CHECK (draws >= 1),
        draw_values TEXT NOT NULL CHECK (json_valid(draw_values)),
        created_at TEXT NOT NULL,
        PRIMARY KEY (d, m, k, seed, backend, method)
      );
    `
  },
  {
    // Sweeps (SCIENCE.md section 12): a sweep is an entry of its own, its points ordinary runs
    // linked to it by (sweep, point, replicate), at most one run per slot. Deleting a sweep
    // deletes its runs; a run of a sweep may be deleted alone (the sweep then misses that slot).
    version: 7,
    sql: `
      CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind TEXT NOT NULL,
        config TEXT NOT NULL CHECK (json_valid(config)),
        parsed TEXT NOT NULL CHECK (json_valid(parsed)),
        created_at TEXT NOT NULL,
        owner_host TEXT,
        owner_pid INTEGER,
        owner_instance TEXT
      );
      ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id) ON DELETE CASCADE;
      ALTER TABLE runs ADD COLUMN point INTEGER CHECK (point IS NULL OR point >= 0);
      ALTER TABLE runs ADD COLUMN replicate INTEGER CHECK (replicate IS NULL OR replicate >= 0);
      CREATE UNIQUE INDEX runs_sweep_slot ON runs(sweep_id, point, replicate);
    `
  },
  {
    // Seed groups (SCIENCE.md section 12): runs whose configs are equal but for the seed share
    // `seed_group` (seedGroupId: a hash of the config without its seed), so that the Runs table
    // groups them, sorts and pages the groups in SQL. The store fills it for existing runs at
    // open (RunStore.fillSeedGroups).
    version: 8,
    sql: `
      ALTER TABLE runs ADD COLUMN seed_group TEXT;
      CREATE INDEX runs_seed_group ON runs(seed_group, seed);
    `
  },
  {
    // A saved comparison may compare seed groups (each group's mean over its seeds) rather than
    // runs; those saved before compared runs.
    version: 9,
    sql: `
      ALTER TABLE comparisons ADD COLUMN grouped INTEGER NOT NULL DEFAULT 0
        CHECK (grouped IN (0, 1));
    `
  }
]
