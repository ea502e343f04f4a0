#ifndef C_TAILOR_SQLITE_H
#define C_TAILOR_SQLITE_H

/// Registers "tailor-wal", a VFS over SQLite's default one that gathers the writes of each WAL commit into one
/// write (see wal_buffer.c), and makes it the default VFS of the process. Idempotent and thread-safe.
/// Returns an SQLite result code.
int tailor_wal_buffer_register(void);

/// How many write(2) calls the VFS has saved so far by gathering writes (for tests and diagnostics).
long long tailor_wal_buffer_writes_gathered(void);

#endif
