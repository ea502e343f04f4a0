// A VFS shim that gathers the writes SQLite makes to a WAL file into one write per commit.
//
// SQLite writes each WAL frame as two pwrite(2) calls: its 24-byte header, then the page. A group commit of
// a few thousand pages is thousands of system calls, each going through the file system's per-call path
// (most of the cost of `sqlite3WalFrames` in the writer's profile, for 7 % of actual copying). This shim
// keeps consecutive writes to a WAL file in a buffer and hands them to the real VFS as one write:
//
// - when a commit frame is complete (a frame header whose "database size after commit" field is non-zero,
//   followed by its page), before xWrite returns: so a commit's frames are in the file, and any error is
//   the commit's, before SQLite publishes the commit in the WAL index for other connections;
// - before any other operation on the file that could observe it (read, size, truncate, sync, file
//   control, lock, close), so that nothing, the writer included, ever reads around the buffer;
// - when the next write is not contiguous, or the buffer is full.
//
// The commit test relies on how SQLite writes a frame (walWriteOneFrame: the header, then the page, in two
// calls, unchanged since WAL appeared in 3.7.0); SQLiteWALGatherTests fails if that ever changes (a copy of
// the files taken after a commit would miss it). When a full sync splits a write, a sync follows the commit,
// and a sync empties the buffer.
//
// Files other than WAL files are opened straight with the real VFS, untouched. Durability is unchanged: the
// buffer is emptied into the file before each commit returns, exactly where SQLite's own writes would have
// been; syncing remains SQLite's (or Tailor's WAL syncer's) business.

#include <sqlite3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "CTailorSQLite.h"

enum { WAL_FRAME_HEADER = 24, BUFFER_CAPACITY = 4 << 20, WRITE_PIECE = 124 << 10 };

typedef struct GatherFile {
    sqlite3_file base;
    sqlite3_file *real;
    unsigned char *buffer;
    int length;
    sqlite3_int64 start;
    int commitPageNext;
} GatherFile;

static sqlite3_vfs *realVfs;
static sqlite3_vfs gatherVfs;
static int registerResult = SQLITE_OK;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_llong gathered;

static int flushBuffer(GatherFile *p) {
    if (p->length == 0) return SQLITE_OK;
    int length = p->length;
    p->length = 0;
    // The unix VFS writes at most 128 KiB - 1 per call (it masks larger amounts), so the buffer goes in pieces.
    for (int done = 0; done < length; done += WRITE_PIECE) {
        int amount = length - done < WRITE_PIECE ? length - done : WRITE_PIECE;
        int rc = p->real->pMethods->xWrite(p->real, p->buffer + done, amount, p->start + done);
        atomic_fetch_sub_explicit(&gathered, 1, memory_order_relaxed);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

// MARK: File methods

static int gatherClose(sqlite3_file *f) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    int closed = p->real->pMethods->xClose(p->real);
    sqlite3_free(p->buffer);
    p->buffer = 0;
    return rc != SQLITE_OK ? rc : closed;
}

static int gatherRead(sqlite3_file *f, void *out, int amount, sqlite3_int64 offset) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xRead(p->real, out, amount, offset);
}

static int gatherWrite(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset) {
    GatherFile *p = (GatherFile *)f;
    int rc = SQLITE_OK;
    if (!p->buffer) {
        // Only the writer's connection writes a WAL: readers never allocate.
        p->buffer = sqlite3_malloc(BUFFER_CAPACITY);
        if (!p->buffer) return p->real->pMethods->xWrite(p->real, data, amount, offset);
    }
    if (p->length > 0 && (offset != p->start + p->length || p->length + amount > BUFFER_CAPACITY)) {
        rc = flushBuffer(p);
        if (rc != SQLITE_OK) return rc;
    }
    if (amount > WRITE_PIECE) {
        rc = p->real->pMethods->xWrite(p->real, data, amount, offset);
    } else {
        if (p->length == 0) p->start = offset;
        memcpy(p->buffer + p->length, data, (size_t)amount);
        p->length += amount;
        atomic_fetch_add_explicit(&gathered, 1, memory_order_relaxed);
    }
    if (rc != SQLITE_OK) return rc;
    if (p->commitPageNext) {
        // The page of a commit frame: the commit is complete, and goes to the file now.
        p->commitPageNext = 0;
        return flushBuffer(p);
    }
    if (amount == WAL_FRAME_HEADER) {
        const unsigned char *h = data;
        p->commitPageNext = (h[4] | h[5] | h[6] | h[7]) != 0;
    }
    return SQLITE_OK;
}

static int gatherTruncate(sqlite3_file *f, sqlite3_int64 size) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int gatherSync(sqlite3_file *f, int flags) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int gatherFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int gatherLock(sqlite3_file *f, int level) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xLock(p->real, level);
}

static int gatherUnlock(sqlite3_file *f, int level) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xUnlock(p->real, level);
}

static int gatherCheckReservedLock(sqlite3_file *f, int *out) {
    GatherFile *p = (GatherFile *)f;
    return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int gatherFileControl(sqlite3_file *f, int op, void *arg) {
    GatherFile *p = (GatherFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int gatherSectorSize(sqlite3_file *f) {
    GatherFile *p = (GatherFile *)f;
    return p->real->pMethods->xSectorSize(p->real);
}

static int gatherDeviceCharacteristics(sqlite3_file *f) {
    GatherFile *p = (GatherFile *)f;
    return p->real->pMethods->xDeviceCharacteristics(p->real);
}

// A WAL file has no shared memory and is never memory-mapped: version 1 methods.
static const sqlite3_io_methods gatherMethods = {
    1,
    gatherClose,
    gatherRead,
    gatherWrite,
    gatherTruncate,
    gatherSync,
    gatherFileSize,
    gatherLock,
    gatherUnlock,
    gatherCheckReservedLock,
    gatherFileControl,
    gatherSectorSize,
    gatherDeviceCharacteristics,
};

// MARK: VFS

static int gatherOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outFlags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) return realVfs->xOpen(realVfs, name, f, flags, outFlags);
    GatherFile *p = (GatherFile *)f;
    memset(p, 0, sizeof(GatherFile));
    p->real = (sqlite3_file *)&p[1];
    int rc = realVfs->xOpen(realVfs, name, p->real, flags, outFlags);
    if (rc != SQLITE_OK) return rc;
    p->base.pMethods = &gatherMethods;
    return SQLITE_OK;
}

static int gatherDelete(sqlite3_vfs *v, const char *name, int syncDir) { (void)v; return realVfs->xDelete(realVfs, name, syncDir); }
static int gatherAccess(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return realVfs->xAccess(realVfs, name, flags, out); }
static int gatherFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) { (void)v; return realVfs->xFullPathname(realVfs, name, n, out); }
static void *gatherDlOpen(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xDlOpen(realVfs, name); }
static void gatherDlError(sqlite3_vfs *v, int n, char *out) { (void)v; realVfs->xDlError(realVfs, n, out); }
static void (*gatherDlSym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return realVfs->xDlSym(realVfs, h, s); }
static void gatherDlClose(sqlite3_vfs *v, void *h) { (void)v; realVfs->xDlClose(realVfs, h); }
static int gatherRandomness(sqlite3_vfs *v, int n, char *out) { (void)v; return realVfs->xRandomness(realVfs, n, out); }
static int gatherSleep(sqlite3_vfs *v, int us) { (void)v; return realVfs->xSleep(realVfs, us); }
static int gatherCurrentTime(sqlite3_vfs *v, double *out) { (void)v; return realVfs->xCurrentTime(realVfs, out); }
static int gatherGetLastError(sqlite3_vfs *v, int n, char *out) { (void)v; return realVfs->xGetLastError(realVfs, n, out); }
static int gatherCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return realVfs->xCurrentTimeInt64(realVfs, out); }
static int gatherSetSystemCall(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr f) { (void)v; return realVfs->xSetSystemCall(realVfs, name, f); }
static sqlite3_syscall_ptr gatherGetSystemCall(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xGetSystemCall(realVfs, name); }
static const char *gatherNextSystemCall(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xNextSystemCall(realVfs, name); }

static void registerOnce(void) {
    registerResult = sqlite3_initialize();
    if (registerResult != SQLITE_OK) return;
    realVfs = sqlite3_vfs_find(0);
    if (!realVfs || realVfs->iVersion < 3) { registerResult = SQLITE_ERROR; return; }
    gatherVfs = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)sizeof(GatherFile) + realVfs->szOsFile,
        .mxPathname = realVfs->mxPathname,
        .zName = "tailor-wal",
        .xOpen = gatherOpen,
        .xDelete = gatherDelete,
        .xAccess = gatherAccess,
        .xFullPathname = gatherFullPathname,
        .xDlOpen = gatherDlOpen,
        .xDlError = gatherDlError,
        .xDlSym = gatherDlSym,
        .xDlClose = gatherDlClose,
        .xRandomness = gatherRandomness,
        .xSleep = gatherSleep,
        .xCurrentTime = gatherCurrentTime,
        .xGetLastError = gatherGetLastError,
        .xCurrentTimeInt64 = gatherCurrentTimeInt64,
        .xSetSystemCall = gatherSetSystemCall,
        .xGetSystemCall = gatherGetSystemCall,
        .xNextSystemCall = gatherNextSystemCall,
    };
    registerResult = sqlite3_vfs_register(&gatherVfs, 1);
}

int tailor_wal_buffer_register(void) {
    pthread_once(&once, registerOnce);
    return registerResult;
}

long long tailor_wal_buffer_writes_gathered(void) {
    return atomic_load_explicit(&gathered, memory_order_relaxed);
}
