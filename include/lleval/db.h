/* The lleval database: opening it with owner-only permissions and the
 * schema of the ingested tables.
 *
 * Dates are stored as integer day numbers (lleval/date.h), codes as text.
 * Tables of the DfE returns keep one row per collection year (`year`), so a
 * resubmitted return can be replaced by deleting its file's rows and the
 * derivation can take "the latest year's row" itself.  UPN, HOME_POST,
 * PL_POST, URN and MC_DOB have no column anywhere.
 *
 *   files(file_id PK, path, kind, la, year, sha256, n_read, n_stored,
 *         n_duplicates, n_quarantined, ingested_at)
 *   header(la, year, child, sex, dob, ethnic, mother, file_id)
 *   episodes(la, year, child, decom, rne, ls, cin, place, place_provider,
 *            dec, rec, reason_place_change, file_id)
 *   uasc(la, year, child, sex, dob, duc, file_id)
 *   oc2(la, year, child, dob, sdq_score, sdq_reason, file_id)
 *   oc3(la, year, child, dob, in_touch, activ, accom, file_id)
 *   lifelong_links(la, child, referral_date, consent, start_date, fgc_date,
 *                  end_date, connections_before, connections_after,
 *                  identity_improved, file_id)
 *   comparison(la, child, index_date, file_id)
 *   sdq_items(la, child, date, informant, q1..q25, ebddiff, distres,
 *             imphome, impfrie, impclas, impleis, file_id)
 *   quarantine(file_id, line, rule, col, reason, raw)
 *   rec_set_aside(la, year, child, decom, rec, file_id): the REC of an
 *         episode stored open because it had no DEC (SPEC 2.6)
 *
 * The tables of children's rows are keyed (WITHOUT ROWID) with la first and
 * have no other index: a resubmitted return's rows are found through la.
 * (Databases made before kept an index episodes_file on episodes(file_id);
 * it is left as it is, and only costs time when it is there.)
 */
#ifndef LLEVAL_DB_H
#define LLEVAL_DB_H

#include "lleval/error.h"

#include <sqlite3.h>

#define LL_DB_SCHEMA_VERSION 1

/* Opens (creating if needed, with mode 0600) the database at path and makes
 * sure the schema exists.  With readonly set the file must exist and is
 * opened read-only.  On success *out is a connection the caller closes with
 * ll_db_close.  Errors: LL_EINPUT (a file that is not an SQLite database,
 * or another application's database: found before anything is written),
 * LL_EIO (cannot create or open the file), LL_EDB (the schema cannot be
 * made). */
int ll_db_open(sqlite3 **out, const char *path, int readonly, ll_error *err);

/* Closes db; NULL is a no-op. */
void ll_db_close(sqlite3 *db);

/* Runs sql (several statements allowed) and converts a failure to LL_EDB
 * with SQLite's message in err. */
int ll_db_exec(sqlite3 *db, const char *sql, ll_error *err);

#endif
