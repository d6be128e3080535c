/* File: licet/licet.h
 * The Licet application SDK: the C API an application embeds to ask "am I licensed, in which
 * edition, with which features, and what must I enforce?" at start and while it runs.
 *
 *   licet_open_options opts = {sizeof opts};
 *   opts.catalog = "acme-studio-5";              // the product the application is
 *   licet_installation* inst = NULL;
 *   if (licet_open(&opts, &inst) != LICET_OK) { puts(licet_last_error_message()); return 1; }
 *   licet_state st = {sizeof st};
 *   licet_check(inst, &st);                       // cheap: call it as often as you like
 *   if (st.enforcement == LICET_ENFORCE_FORCED_SHUTDOWN && st.shutdown_due) exit(3);
 *   licet_close(inst);
 *
 * ABI: stable. Handles are opaque; structs are versioned by their first member, struct_size, which
 * the caller sets to sizeof the struct it was compiled with; later versions only append members.
 * Every function is thread-safe; one handle may be used from many threads at once. Errors are
 * HRESULT-style codes (docs/error-codes.md); licet_last_error_message() says what happened on this
 * thread and the command that fixes it. Link with -llicet. Reference: docs/sdk.md.
 */
#ifndef LICET_LICET_H_
#define LICET_LICET_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LICET_API __attribute__((visibility("default")))
#else
#define LICET_API
#endif

/* The ABI version this header describes; licet_sdk_version() returns the library's. */
#define LICET_SDK_VERSION 1u

/* 0 for success, else an HRESULT-style code: 0xC004F009 (SL_E_GRACE_TIME_EXPIRED), ... */
typedef uint32_t licet_code;
#define LICET_OK 0u

/* One installation's license store, opened by an application. */
typedef struct licet_installation licet_installation;

/* The seven license states (the WMI LicenseStatus values). */
typedef enum licet_license_status {
  LICET_STATUS_UNLICENSED = 0,
  LICET_STATUS_LICENSED = 1,
  LICET_STATUS_INITIAL_GRACE = 2,
  LICET_STATUS_OUT_OF_TOLERANCE_GRACE = 3,
  LICET_STATUS_NON_GENUINE_GRACE = 4,
  LICET_STATUS_NOTIFICATION = 5,
  LICET_STATUS_EXTENDED_GRACE = 6
} licet_license_status;

/* The coarse view most applications act on. */
typedef enum licet_coarse_status {
  LICET_COARSE_UNLICENSED = 0,
  LICET_COARSE_LICENSED = 1,
  LICET_COARSE_GRACE = 2,       /* works; show minutes_left */
  LICET_COARSE_NOTIFICATION = 3 /* apply `enforcement` */
} licet_coarse_status;

/* What the application must do. */
typedef enum licet_enforcement {
  LICET_ENFORCE_NONE = 0,
  LICET_ENFORCE_NAG = 1,            /* remind the user, keep working */
  LICET_ENFORCE_FORCED_SHUTDOWN = 2 /* shut down at shutdown_at, every shutdown_interval_minutes */
} licet_enforcement;

/* licet_state.flags */
/* An evaluation edition. */
#define LICET_FLAG_EVALUATION 0x01u
/* The clock runs behind the trusted time beyond the tolerance. */
#define LICET_FLAG_CLOCK_SET_BACK 0x02u
/* Some components bound at activation changed (see changed_hardware). */
#define LICET_FLAG_HARDWARE_CHANGED 0x04u
/* The store or its token is not genuine (see reason). */
#define LICET_FLAG_TAMPERED 0x08u
/* Runs in a virtual machine (see virtualization). */
#define LICET_FLAG_VIRTUAL_MACHINE 0x10u
/* Runs in a container (see virtualization). */
#define LICET_FLAG_CONTAINER 0x20u
/* A conversion or rearm waits for licet_apply_pending(). */
#define LICET_FLAG_PENDING_CHANGES 0x40u

/* licet_open_options.flags */
/* No background watcher thread: each check then stats store.json to notice changes (a few µs). */
#define LICET_OPEN_NO_WATCH 0x01u

typedef struct licet_open_options {
  uint32_t struct_size; /* sizeof(licet_open_options) */
  /* The store directory. NULL: $LICET_ROOT, else /var/lib/licet. */
  const char* root;
  /* The catalog (product id, e.g. "windows-server-2022") the application belongs to. Required: a
   * store installed from another catalog is refused (LICET_E_CATALOG_UNTRUSTED). */
  const char* catalog;
  /* Optional base64 Ed25519 key the catalog must be signed with (the vendor key compiled into the
   * application). NULL: the key pinned when the store was installed. */
  const char* vendor_public_key;
  uint32_t flags; /* LICET_OPEN_* */
  /* Version 2 (struct_size >= 48; a version-1 caller gets the default). */
  uint32_t reserved; /* 0 */
  /* How often, in seconds, a running application re-reads the machine's hardware and raises its
   * trusted-time mark: the watcher thread's period, or with LICET_OPEN_NO_WATCH the first check
   * after that long. 0: 60. */
  uint32_t recheck_seconds;
} licet_open_options;

typedef struct licet_state {
  uint32_t struct_size; /* sizeof(licet_state), set by the caller */
  int32_t status;       /* licet_license_status */
  int32_t coarse;       /* licet_coarse_status */
  int32_t enforcement;  /* licet_enforcement */
  licet_code reason;    /* why: an informational or error code (0 when simply licensed) */
  uint32_t flags;       /* LICET_FLAG_* */
  int64_t now;          /* Unix seconds the state was computed at (the trusted time) */
  int64_t ends;         /* Unix seconds the current status ends at; 0 if it does not */
  int64_t minutes_left; /* until `ends` (grace, evaluation, volume expiry); 0 if none */
  int64_t shutdown_interval_minutes; /* LICET_ENFORCE_FORCED_SHUTDOWN: e.g. 60 */
  int64_t shutdown_at;  /* LICET_ENFORCE_FORCED_SHUTDOWN: the deadline (Unix seconds) */
  int32_t shutdown_due; /* 1 when now >= shutdown_at: shut down now */
  int32_t reserved;
  char product_id[64];
  char product_name[128];
  char edition[64];           /* "ServerStandard" */
  char edition_name[128];     /* "Windows Server 2022 Standard" */
  char channel[32];           /* "Retail", "Volume:MAK", "Retail:TB:Eval", ... ("" without a key) */
  char features[512];         /* the features the edition allows, comma-separated */
  char explanation[512];      /* one sentence in the administrator's terms */
  char changed_hardware[128]; /* "network, disk" when LICET_FLAG_HARDWARE_CHANGED */
  char virtualization[64];    /* "kvm", "docker", "kvm, docker" */
} licet_state;

/* The library's ABI version (LICET_SDK_VERSION it was built with). */
LICET_API uint32_t licet_sdk_version(void);

/* Opens the installation at options->root for the application's catalog. Reads and verifies the
 * store (seal, token signature, hardware, trusted time) and starts a watcher that notices changes
 * to it. Errors: LICET_E_NOT_INSTALLED, LICET_E_STORE_CORRUPT, LICET_E_CATALOG_UNTRUSTED,
 * E_INVALIDARG (a missing or malformed argument). */
LICET_API licet_code licet_open(const licet_open_options* options, licet_installation** out);

/* Stops the watcher and frees the handle. NULL is ignored. */
LICET_API void licet_close(licet_installation* installation);

/* Fills *state (state->struct_size must be set). After the first call this is a memory read
 * unless the store changed, the minute changed or a deadline passed. When the store can no longer
 * be read, returns the error and fills *state as unlicensed with that reason. */
LICET_API licet_code licet_check(licet_installation* installation, licet_state* state);

/* LICET_OK when the application may use `feature` now: the edition allows it and the installation
 * is not unlicensed or tampered with. Otherwise the reason: LICET_E_FEATURE_NOT_ALLOWED,
 * SL_E_PKEY_NOT_INSTALLED, LICET_E_STORE_TAMPERED, ... */
LICET_API licet_code licet_check_feature(licet_installation* installation, const char* feature);

/* At application start: applies what `dism /Set-Edition` or `slmgr /rearm` staged (the reboot of
 * the Windows procedure). *applied (may be NULL) is set to the number of changes applied. Needs
 * write access to the store. Errors: LICET_E_STORE_LOCKED, LICET_E_IO, LICET_E_STORE_TAMPERED. */
LICET_API licet_code licet_apply_pending(licet_installation* installation, int* applied);

/* The last error on this thread: its code (LICET_OK after a success) and message. The message
 * stays valid until the next Licet call on this thread. */
LICET_API licet_code licet_last_error_code(void);
LICET_API const char* licet_last_error_message(void);

/* "SL_E_GRACE_TIME_EXPIRED" for 0xC004F009 ("" for unknown codes); a static string. */
LICET_API const char* licet_code_symbol(licet_code code);
/* "licensed", "initial_grace", ... for a licet_license_status; a static string ("" if unknown). */
LICET_API const char* licet_status_name(int32_t status);
/* "unlicensed", "licensed", "grace", "notification" for a licet_coarse_status. */
LICET_API const char* licet_coarse_name(int32_t coarse);
/* "none", "nag", "forced-shutdown" for a licet_enforcement. */
LICET_API const char* licet_enforcement_name(int32_t enforcement);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LICET_LICET_H_ */
