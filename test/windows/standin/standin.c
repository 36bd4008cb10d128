/*
 * Scripted stand-in for the Windows tools the activation script calls and Wine lacks or cannot
 * fake: sc, net, ping, w32tm, wmic, powershell, icacls, eventcreate and (through slmgr.vbs) slmgr. One
 * program, copied under each tool's name; it picks its behaviour from its own file name, or from
 * the first argument when called as "standin.exe <tool> ...". What each tool does here, and the
 * source of each behaviour, is in BEHAVIOUR.md beside this file: the stand-ins imitate the real
 * tools (exit codes, output forms, failures), not what the script expects of them.
 *
 * State lives in C:\bench\state.txt as key=value lines that the test writes (the scenario) and
 * this program updates (service states, KMS host, license status, clock). Every call is appended
 * to C:\bench\calls.log as one line: the tool name and its arguments. A copy that runs from
 * anywhere but the system folders (a look-alike planted in the working directory) only logs
 * "PLANTED <tool> ..." and does nothing else. Sequences such as "seq.ato=-1073418124,0" are
 * consumed one value per call.
 */
#include <ctype.h>
#include <fcntl.h>
#include <io.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define STATE_PATH "C:\\bench\\state.txt"
#define CALLS_PATH "C:\\bench\\calls.log"
#define TRACE_PATH "C:\\bench\\trace.log"
#define MAX_ENTRIES 128
#define MAX_LEN 2048

#define WINDOWS_APP_ID "55c92734-d682-4d71-983e-d6ec3f16059f"
#define HR_SERVICE_NOT_STARTED -2147023834 /* 0x80070426 */
#define HR_SERVICE_DISABLED -2147023838    /* 0x80070422 */
#define HR_NOT_ELEVATED -1073418203        /* 0xC004F025 */
#define HR_NO_KMS -1073418124              /* 0xC004F074 */
#define HR_CLOCK_SKEW -1073418132          /* 0xC004F06C */
#define HR_INVALID_QUERY -2147217385       /* 0x80041017 WBEM_E_INVALID_QUERY */
#define HR_RPC_UNAVAILABLE -2147023174     /* 0x800706BA */
#define HR_NO_SUCH_HOST -2147013895        /* 0x80072AF9 */
#define KMS_CLOCK_TOLERANCE_SECONDS 14400.0

static char keys[MAX_ENTRIES][MAX_LEN];
static char values[MAX_ENTRIES][MAX_LEN];
static int entries = 0;

/* The bench's own record, for diagnosing the bench (not read by any assertion): process, tool, event. */
static void trace(const char *tool, const char *event) {
    FILE *f = fopen(TRACE_PATH, "a");
    if (!f) return;
    fprintf(f, "%lu %lu %s %s\n", (unsigned long)GetCurrentProcessId(), (unsigned long)GetTickCount(), tool, event);
    fclose(f);
}

static void load_state(void) {
    FILE *f = fopen(STATE_PATH, "r");
    char line[2 * MAX_LEN];
    if (!f) {
        char why[64];
        snprintf(why, sizeof why, "state unreadable, error %lu", (unsigned long)GetLastError());
        trace("", why);
        return;
    }
    while (fgets(line, sizeof line, f) && entries < MAX_ENTRIES) {
        char *eq = strchr(line, '=');
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (!eq) continue;
        *eq = 0;
        snprintf(keys[entries], MAX_LEN, "%s", line);
        snprintf(values[entries], MAX_LEN, "%s", eq + 1);
        entries++;
    }
    fclose(f);
}

static void save_state(void) {
    FILE *f = fopen(STATE_PATH, "w");
    int i;
    if (!f) {
        fprintf(stderr, "standin: cannot write %s\n", STATE_PATH);
        exit(90);
    }
    for (i = 0; i < entries; i++) fprintf(f, "%s=%s\n", keys[i], values[i]);
    fclose(f);
}

static const char *get(const char *key, const char *fallback) {
    int i;
    for (i = 0; i < entries; i++)
        if (strcmp(keys[i], key) == 0) return values[i];
    return fallback;
}

static int is(const char *key, const char *value) {
    return strcmp(get(key, ""), value) == 0;
}

static void set(const char *key, const char *value) {
    int i;
    for (i = 0; i < entries; i++) {
        if (strcmp(keys[i], key) == 0) {
            snprintf(values[i], MAX_LEN, "%s", value);
            return;
        }
    }
    if (entries < MAX_ENTRIES) {
        snprintf(keys[entries], MAX_LEN, "%s", key);
        snprintf(values[entries], MAX_LEN, "%s", value);
        entries++;
    }
}

/* Pops the first comma-separated value of seq.<name>; returns fallback when the sequence is empty. */
static const char *pop(const char *name, const char *fallback) {
    static char head[MAX_LEN];
    char key[MAX_LEN];
    const char *seq;
    const char *comma;
    snprintf(key, sizeof key, "seq.%s", name);
    seq = get(key, "");
    if (!*seq) return fallback;
    comma = strchr(seq, ',');
    if (comma) {
        snprintf(head, sizeof head, "%.*s", (int)(comma - seq), seq);
        set(key, comma + 1);
    } else {
        snprintf(head, sizeof head, "%s", seq);
        set(key, "");
    }
    return head;
}

static void lower(char *s) {
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

static int ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

static int istarts(const char *s, const char *prefix) {
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return 0;
    return 1;
}

static void log_call(const char *prefix, const char *tool, int argc, char **argv) {
    FILE *f = fopen(CALLS_PATH, "a");
    int i;
    if (!f) {
        fprintf(stderr, "standin: cannot write %s\n", CALLS_PATH);
        exit(91);
    }
    fprintf(f, "%s%s", prefix, tool);
    for (i = 1; i < argc; i++) fprintf(f, " %s", argv[i]);
    fputc('\n', f);
    fclose(f);
}

static const char *service_key(const char *service, const char *field) {
    static char key[MAX_LEN];
    char name[MAX_LEN];
    snprintf(name, sizeof name, "%s", service);
    lower(name);
    snprintf(key, sizeof key, "svc.%s.%s", name, field);
    return key;
}

static int service_running(const char *service) {
    return strcmp(get(service_key(service, "state"), "stopped"), "running") == 0;
}

static int service_disabled(const char *service) {
    return strcmp(get(service_key(service, "start"), "demand"), "disabled") == 0;
}

/* ---- sc ---- */
static int tool_sc(int argc, char **argv) {
    const char *start;
    if (argc < 3) return 1639;
    if (ieq(argv[1], "qc")) {
        start = get(service_key(argv[2], "start"), "demand");
        printf("[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: %s\r\n", argv[2]);
        if (strcmp(start, "disabled") == 0) printf("        START_TYPE         : 4   DISABLED\r\n");
        else if (strcmp(start, "demand") == 0) printf("        START_TYPE         : 3   DEMAND_START\r\n");
        else if (strcmp(start, "delayed-auto") == 0) printf("        START_TYPE         : 2   AUTO_START  (DELAYED)\r\n");
        else printf("        START_TYPE         : 2   AUTO_START\r\n");
        return 0;
    }
    if (ieq(argv[1], "query")) {
        printf("\r\nSERVICE_NAME: %s\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n        STATE              : %s\r\n",
               argv[2], service_running(argv[2]) ? "4  RUNNING" : "1  STOPPED");
        return 0;
    }
    if (ieq(argv[1], "config") && argc >= 5 && ieq(argv[3], "start=")) {
        set(service_key(argv[2], "start"), argv[4]);
        printf("[SC] ChangeServiceConfig SUCCESS\r\n");
        return 0;
    }
    return 1639;
}

/* ---- w32time's correction limits (the real registry of the Wine prefix) ---- */

#define W32TIME_CONFIG "SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config"
/* MaxPos/NegPhaseCorrection when the registry has no value: 15 hours (FACTS §4). */
#define DEFAULT_PHASE_LIMIT 54000UL

static unsigned long registry_limit(const char *name) {
    DWORD value = 0, size = sizeof value;
    if (RegGetValueA(HKEY_LOCAL_MACHINE, W32TIME_CONFIG, name, RRF_RT_REG_DWORD, NULL, &value, &size) != ERROR_SUCCESS) return DEFAULT_PHASE_LIMIT;
    return (unsigned long)value;
}

/* The service reads MaxPos/NegPhaseCorrection when it starts and on `w32tm /config /update`: state w32time.limits = "<pos>,<neg>". */
static void load_phase_limits(void) {
    char limits[64];
    snprintf(limits, sizeof limits, "%lu,%lu", registry_limit("MaxPosPhaseCorrection"), registry_limit("MaxNegPhaseCorrection"));
    set("w32time.limits", limits);
}

/* ---- net ---- */
static int tool_net(int argc, char **argv) {
    if (argc < 3 || !ieq(argv[1], "start")) return 1;
    if (service_disabled(argv[2])) {
        printf("System error 1058 has occurred.\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n");
        return 2;
    }
    if (service_running(argv[2])) {
        printf("The requested service has already been started.\r\n");
        return 2;
    }
    set(service_key(argv[2], "state"), "running");
    if (ieq(argv[2], "w32time")) load_phase_limits();
    printf("The %s service was started successfully.\r\n", argv[2]);
    return 0;
}

/* ---- w32tm ---- */
static double clock_offset(void) {
    return atof(get("clock.offset", "0.0123456"));
}

static int ntp_reachable(void) {
    return !is("ntp.reachable", "no");
}

/* Whether a peer of the configured list (`host[,flags]` entries, space-separated) asks in client mode (flag 0x8). */
static int peers_ask_as_client(void) {
    char peers[1024];
    char *entry, *flags;
    strncpy(peers, get("ntp.peers", ""), sizeof peers - 1);
    peers[sizeof peers - 1] = 0;
    for (entry = strtok(peers, " "); entry != NULL; entry = strtok(NULL, " ")) {
        flags = strchr(entry, ',');
        if (flags != NULL && (strtol(flags + 1, NULL, 0) & 0x8)) return 1;
    }
    return 0;
}

/* Whether the service's sync gets time data: the server answers, and a server that answers client mode only is asked in that mode. */
static int ntp_answers_service(void) {
    return ntp_reachable() && (!is("ntp.clientModeOnly", "yes") || peers_ask_as_client());
}

static int tool_w32tm(int argc, char **argv) {
    const char *result;
    double offset;
    char *stop;
    long code;
    if (argc < 2) return 1;
    if (ieq(argv[1], "/stripchart")) {
        /* Queries the peer directly (no w32time service needed); one sample, about 1 s timeout. */
        const char *peer = "";
        int i;
        for (i = 2; i < argc; i++)
            if (istarts(argv[i], "/computer:")) peer = argv[i] + 10;
        if (is("ntp.resolves", "no")) {
            printf("The following error occurred: No such host is known. (0x80072AF9)\r\n");
            return HR_NO_SUCH_HOST;
        }
        printf("Tracking %s [169.254.0.79:123].\r\nCollecting 1 samples.\r\nThe current time is 11/30/2026 10:15:00.\r\n", peer);
        if (!ntp_reachable()) {
            printf("10:15:00, error: 0x800705B4\r\n");
            return 0;
        }
        offset = clock_offset();
        printf("10:15:00, %c%02.0f.%07.0fs\r\n", offset < 0 ? '-' : '+', floor(fabs(offset)), (fabs(offset) - floor(fabs(offset))) * 1e7);
        return 0;
    }
    if (!service_running("w32time")) {
        printf("The following error occurred: The service has not been started. (0x80070426)\r\n");
        return HR_SERVICE_NOT_STARTED;
    }
    if (ieq(argv[1], "/config")) {
        int i;
        for (i = 2; i < argc; i++) {
            if (istarts(argv[i], "/manualpeerlist:")) set("ntp.peers", argv[i] + 16);
            if (ieq(argv[i], "/update")) load_phase_limits();
        }
        printf("The command completed successfully.\r\n");
        return 0;
    }
    if (ieq(argv[1], "/resync")) {
        printf("Sending resync command to local computer...\r\n");
        result = ntp_answers_service() ? pop("resync", "ok") : "nodata";
        if (strcmp(result, "nodata") == 0) {
            printf("The computer did not resync because no time data was available.\r\n");
            return 0;
        }
        if (!*get("w32time.limits", "")) load_phase_limits(); /* as read when the service started */
        offset = clock_offset();
        if (offset > (double)strtoul(get("w32time.limits", ""), NULL, 10) || -offset > (double)strtoul(strchr(get("w32time.limits", ""), ',') + 1, NULL, 10)) {
            printf("The computer did not resync because the required time change was too big.\r\n");
            return 0;
        }
        code = strtol(result, &stop, 10);
        if (*stop == 0 && code != 0) {
            printf("The following error occurred: 0x%08lX\r\n", (unsigned long)(unsigned int)code);
            return (int)code;
        }
        set("clock.offset", "0.0123456");
        printf("The command completed successfully.\r\n");
        return 0;
    }
    return 1;
}

/* ---- the licensing rows of SoftwareLicensingProduct (wmic and PowerShell) ---- */

/* A row of SoftwareLicensingProduct with Windows' ApplicationID: row 0 is Windows itself, row 1 an ESU add-on. */
struct row {
    const char *description;
    const char *grace;
    const char *kms;
    const char *status;
    int addon;
};

static int license_rows(struct row *rows) {
    int n = 0;
    if (*get("lic.status", "")) {
        rows[n].description = get("lic.description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel");
        rows[n].grace = get("lic.grace", "0");
        rows[n].kms = get("lic.kms", "");
        rows[n].status = get("lic.status", "");
        rows[n].addon = 0;
        n++;
    }
    if (*get("esu.status", "")) {
        rows[n].description = "Windows(R) Operating System, VOLUME_MAK channel";
        rows[n].grace = "0";
        rows[n].kms = "";
        rows[n].status = get("esu.status", "");
        rows[n].addon = 1;
        n++;
    }
    return n;
}

static const char *row_value(const struct row *r, const char *property) {
    if (ieq(property, "Description")) return r->description;
    if (ieq(property, "GracePeriodRemaining")) return r->grace;
    if (ieq(property, "KeyManagementServiceMachine")) return r->kms;
    if (ieq(property, "LicenseStatus")) return r->status;
    if (ieq(property, "LicenseIsAddon")) return r->addon ? "TRUE" : "FALSE";
    return NULL;
}

/*
 * Parses a WQL filter of the form the script sends: conditions joined by "and" (any case):
 * ApplicationID='<id>', PartialProductKey is not null, LicenseIsAddon=FALSE|TRUE. Returns 0 for
 * anything else (wmic's "Invalid query"). *addon is -1 when the filter does not name LicenseIsAddon.
 */
static int parse_filter(const char *filter, int *addon) {
    char buf[2 * MAX_LEN];
    char *cond;
    char *rest;
    int app = 0, key = 0;
    *addon = -1;
    snprintf(buf, sizeof buf, "%s", filter);
    rest = buf;
    while (rest) {
        char *and = NULL;
        char *p;
        for (p = rest; *p; p++)
            if (istarts(p, " and ")) {
                and = p;
                break;
            }
        cond = rest;
        if (and) {
            *and = 0;
            rest = and + 5;
        } else {
            rest = NULL;
        }
        while (*cond == ' ') cond++;
        if (ieq(cond, "ApplicationID='" WINDOWS_APP_ID "'") || ieq(cond, "ApplicationID=''" WINDOWS_APP_ID "''")) app = 1;
        else if (ieq(cond, "PartialProductKey is not null")) key = 1;
        else if (ieq(cond, "LicenseIsAddon=FALSE")) *addon = 0;
        else if (ieq(cond, "LicenseIsAddon=TRUE")) *addon = 1;
        else return 0;
    }
    return app && key;
}

/* Fails when WMI is not ready yet: one "fail" of seq.wmi per query, from wmic or PowerShell alike. */
static int wmi_fails(void) {
    return strcmp(pop("wmi", "ok"), "fail") == 0;
}

/* The rows a filter selects. wmic's order is not defined: here Windows' row comes first, add-ons after. */
static int select_rows(int addon, struct row *out) {
    struct row rows[4];
    int n = license_rows(rows), i, k = 0;
    for (i = 0; i < n; i++)
        if (addon < 0 || rows[i].addon == addon) out[k++] = rows[i];
    return k;
}

static int property_list(char *list, char props[][64], int max) {
    int n = 0;
    char *tok = strtok(list, ",");
    while (tok && n < max) {
        snprintf(props[n++], 64, "%s", tok);
        tok = strtok(NULL, ",");
    }
    return n;
}

static int by_name(const void *a, const void *b) {
    return _stricmp((const char *)a, (const char *)b);
}

static void print_row_values(const struct row *r, char props[][64], int nprops, const char *eol) {
    int j;
    for (j = 0; j < nprops; j++) printf("%s=%s%s", props[j], row_value(r, props[j]), eol);
}

static int tool_wmic(int argc, char **argv) {
    char list[MAX_LEN];
    char props[8][64];
    struct row rows[4];
    int nprops, nrows, addon, i, j;
    /* wmic computersystem get PartOfDomain /value */
    if (argc == 5 && ieq(argv[1], "computersystem") && ieq(argv[2], "get") && ieq(argv[3], "PartOfDomain") && ieq(argv[4], "/value")) {
        if (is("wmic.broken", "yes") || wmi_fails()) {
            fprintf(stderr, "ERROR:\r\nDescription = The RPC server is unavailable.\r\n");
            return HR_RPC_UNAVAILABLE;
        }
        printf("\r\r\n\r\r\nPartOfDomain=%s\r\r\n\r\r\n\r\r\n", is("domain.member", "yes") ? "TRUE" : "FALSE");
        return 0;
    }
    /* wmic path SoftwareLicensingProduct where "<filter>" get <A,B,...> /value */
    if (argc != 8 || !ieq(argv[1], "path") || !ieq(argv[2], "SoftwareLicensingProduct") || !ieq(argv[3], "where") || !ieq(argv[5], "get") ||
        !ieq(argv[7], "/value") || !parse_filter(argv[4], &addon)) {
        fprintf(stderr, "Node - BENCH\r\nERROR:\r\nDescription = Invalid query\r\n");
        return HR_INVALID_QUERY;
    }
    snprintf(list, sizeof list, "%s", argv[6]);
    nprops = property_list(list, props, 8);
    for (j = 0; j < nprops; j++) {
        struct row probe = {"", "", "", "", 0};
        if (!row_value(&probe, props[j])) {
            fprintf(stderr, "Node - BENCH\r\nERROR:\r\nDescription = Invalid query\r\n");
            return HR_INVALID_QUERY;
        }
    }
    if (is("wmic.broken", "yes") || wmi_fails()) {
        fprintf(stderr, "ERROR:\r\nDescription = The RPC server is unavailable.\r\n");
        return HR_RPC_UNAVAILABLE;
    }
    /* wmic prints the properties in alphabetical order, whatever order they were asked in. */
    qsort(props, nprops, sizeof props[0], by_name);
    nrows = select_rows(addon, rows);
    if (nrows == 0) {
        fprintf(stderr, "No Instance(s) Available.\r\n");
        return 0;
    }
    /* Every line ends with CR CR LF when the output is piped; two empty lines before each row. */
    for (i = 0; i < nrows; i++) {
        printf("\r\r\n\r\r\n");
        print_row_values(&rows[i], props, nprops, "\r\r\n");
    }
    printf("\r\r\n\r\r\n");
    return 0;
}

/* ---- powershell ---- */

/* Extracts the text between the first "-Filter '" and the next lone "'" (a doubled '' is a quote). */
static int ps_filter(const char *command, char *out, size_t size) {
    const char *p = strstr(command, "-Filter '");
    size_t n = 0;
    if (!p) return 0;
    for (p += 9; *p && n + 1 < size; p++) {
        if (*p == '\'' && p[1] == '\'') {
            out[n++] = '\'';
            p++;
        } else if (*p == '\'') {
            out[n] = 0;
            return 1;
        } else {
            out[n++] = *p;
        }
    }
    return 0;
}

/* The properties a command prints, from its "'Name='+$p.Name" pieces. */
static int ps_properties(const char *command, char props[][64], int max) {
    int n = 0;
    const char *p = command;
    while (n < max && (p = strstr(p, "='+$p.")) != NULL) {
        const char *name = p + 6;
        size_t len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
        snprintf(props[n++], 64, "%.*s", (int)len, name);
        p = name + len;
    }
    return n;
}

/*
 * The diagnosis probe: for each host in "foreach($h in @('a','b'))", DNS and a TCP connection to the
 * port in "BeginConnect($h,<port>,"; then the rights sppsvc.exe's ACL gives SYSTEM and NETWORK SERVICE.
 * The network and the ACL are the scenario's: net.<host> = open (default), closed, timeout or nxdomain;
 * acl.sppsvc = "<SY allow>,<SY deny>,<NS allow>,<NS deny>" (default: read and execute, 0x1200A9, for both).
 */
static int ps_probe(const char *command) {
    const char *list = strstr(command, "foreach($h in @(");
    const char *connect = strstr(command, "BeginConnect($h,");
    const char *p;
    char host[MAX_LEN];
    char key[MAX_LEN];
    if (!list || !connect) return 1;
    for (p = list + 16; *p == '\''; ) {
        const char *end = strchr(p + 1, '\'');
        const char *net;
        if (!end) return 1;
        snprintf(host, sizeof host, "%.*s", (int)(end - p - 1), p + 1);
        snprintf(key, sizeof key, "net.%s", host);
        net = get(key, "open");
        if (strcmp(net, "nxdomain") == 0) printf("kms=%s,fail,skipped\r\n", host);
        else printf("kms=%s,ok,%s\r\n", host, net);
        p = end + 1;
        if (*p == ',') p++;
    }
    if (atoi(connect + 16) <= 0) return 1;
    if (strstr(command, "Get-Acl") && strstr(command, "sppsvc.exe") && !is("acl.sppsvc", "missing"))
        printf("exe=%s\r\n", get("acl.sppsvc", "1179817,0,1179817,0"));
    return 0;
}

#define LOCK_AGE_HEAD "exit ("
#define LOCK_AGE_MIDDLE "+[Math]::Min("
#define LOCK_AGE_PATH ",[int](((Get-Date)-(Get-Item -LiteralPath '"
#define LOCK_AGE_TAIL "').LastWriteTime).TotalMinutes)))"

/*
 * `exit (<offset>+[Math]::Min(<cap>,[int](((Get-Date)-(Get-Item -LiteralPath '<path>').LastWriteTime).TotalMinutes)))`:
 * the exit code is the offset plus the minutes since the folder was last written, from the real
 * file system (rounded as [int] rounds), at most the cap (negative when the folder was written
 * "in the future"); a path that does not exist is
 * Get-Item's error, which ends PowerShell with exit code 1. Returns -1 for any other command.
 */
static int ps_lock_age(const char *command) {
    char path[MAX_PATH];
    const char *p = command, *end;
    long offset, cap;
    double minutes;
    WIN32_FILE_ATTRIBUTE_DATA data;
    FILETIME now;
    ULARGE_INTEGER then, current;
    if (strncmp(p, LOCK_AGE_HEAD, strlen(LOCK_AGE_HEAD)) != 0) return -1;
    offset = strtol(p + strlen(LOCK_AGE_HEAD), (char **)&p, 10);
    if (strncmp(p, LOCK_AGE_MIDDLE, strlen(LOCK_AGE_MIDDLE)) != 0) return -1;
    cap = strtol(p + strlen(LOCK_AGE_MIDDLE), (char **)&p, 10);
    if (strncmp(p, LOCK_AGE_PATH, strlen(LOCK_AGE_PATH)) != 0) return -1;
    p += strlen(LOCK_AGE_PATH);
    end = strchr(p, '\'');
    if (!end || strcmp(end, LOCK_AGE_TAIL) != 0 || (size_t)(end - p) >= sizeof path) return -1;
    snprintf(path, sizeof path, "%.*s", (int)(end - p), p);
    if (!GetFileAttributesExA(path, GetFileExInfoStandard, &data)) {
        fprintf(stderr, "Get-Item : Cannot find path '%s' because it does not exist.\r\n", path);
        return 1;
    }
    GetSystemTimeAsFileTime(&now);
    then.LowPart = data.ftLastWriteTime.dwLowDateTime;
    then.HighPart = data.ftLastWriteTime.dwHighDateTime;
    current.LowPart = now.dwLowDateTime;
    current.HighPart = now.dwHighDateTime;
    minutes = floor(((double)current.QuadPart - (double)then.QuadPart) / 600000000.0 + 0.5);
    if (minutes > cap) minutes = cap;
    return (int)(offset + minutes);
}

static int tool_powershell(int argc, char **argv) {
    char command[8 * MAX_LEN] = "";
    char filter[2 * MAX_LEN];
    char props[8][64];
    struct row rows[4];
    int i, nprops, nrows, addon;
    for (i = 1; i < argc; i++) {
        if (ieq(argv[i], "-Command") && i + 1 < argc) snprintf(command, sizeof command, "%s", argv[i + 1]);
    }
    /* PowerShell 2.0 (2008 R2) has none of these (CIM cmdlets, JSON, DNS and port cmdlets: 3.0/4.0; ::new(): 5.0). */
    if (is("ps.version", "2")) {
        static const char *newer[] = {"Get-CimInstance", "ConvertTo-Json", "ConvertFrom-Json", "Resolve-DnsName", "Test-NetConnection", "[pscustomobject]", "[ordered]", "::new("};
        for (i = 0; i < (int)(sizeof newer / sizeof newer[0]); i++) {
            if (strstr(command, newer[i])) {
                fprintf(stderr, "PowerShell 2.0: '%s' is not available.\r\n", newer[i]);
                return 1;
            }
        }
    }
    /* Started from TAT, whose console is UTF-8, PowerShell 2.0 writes a byte-order mark before its output. */
    if (is("ps.bom", "yes")) printf("\xef\xbb\xbf");
    i = ps_lock_age(command);
    if (i >= 0) return i;
    if (strcmp(command, "'PartOfDomain='+(Get-WmiObject Win32_ComputerSystem).PartOfDomain") == 0) {
        if (wmi_fails()) {
            fprintf(stderr, "Get-WmiObject : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)\r\n");
            return 1;
        }
        printf("PartOfDomain=%s\r\n", is("domain.member", "yes") ? "True" : "False");
        return 0;
    }
    if (strstr(command, "[Net.Dns]::GetHostAddresses")) return ps_probe(command);
    if (strncmp(command, "foreach($p in @(Get-WmiObject SoftwareLicensingProduct -Filter '", 64) != 0 || !ps_filter(command, filter, sizeof filter) ||
        !parse_filter(filter, &addon)) {
        fprintf(stderr, "standin powershell: command not understood\r\n");
        return 1;
    }
    nprops = ps_properties(command, props, 8);
    if (wmi_fails()) {
        fprintf(stderr, "Get-WmiObject : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)\r\n");
        return 1;
    }
    nrows = select_rows(addon, rows);
    for (i = 0; i < nrows; i++) print_row_values(&rows[i], props, nprops, "\r\n");
    return 0;
}

/* ---- slmgr (through slmgr.vbs) ---- */

#define RELEASE_PATH "C:\\bench\\release"

/*
 * *model* a slow KMS: `-ato` waits (up to 120 s) until the bench creates C:\bench\release, so that a
 * second run starts while this one is in the middle; the state is saved before and read again after.
 */
static void hold_until_released(void) {
    int i;
    set("ato.hold", "");
    save_state();
    for (i = 0; i < 1200 && GetFileAttributesA(RELEASE_PATH) == INVALID_FILE_ATTRIBUTES; i++) Sleep(100);
    entries = 0;
    load_state();
}

/* What any slmgr action hits first: not elevated, or the licensing service disabled. */
static int slmgr_refused(void) {
    if (is("proc.elevated", "no")) return HR_NOT_ELEVATED;
    if (service_disabled("sppsvc")) return HR_SERVICE_DISABLED;
    return 0;
}

/* slmgr prints localized text (Chinese here, as on Tencent's Chinese images) and exits with the HRESULT. */
static int tool_slmgr(int argc, char **argv) {
    char host[MAX_LEN];
    char hosts[MAX_LEN];
    char *colon;
    int rc;
    if (argc < 2) return 1;
    rc = slmgr_refused();
    if (rc != 0) {
        printf("\xe9\x94\x99\xe8\xaf\xaf: 0x%08lX\r\n", (unsigned long)(unsigned int)rc);
        return rc;
    }
    if (ieq(argv[1], "-skms") && argc >= 3) {
        /* slmgr splits host:port at the first colon; the WMI property holds the host only. */
        snprintf(host, sizeof host, "%s", argv[2]);
        colon = strchr(host, ':');
        if (colon) {
            set("lic.port", colon + 1);
            *colon = 0;
        }
        set("lic.kms", host);
        printf("\xe5\xaf\x86\xe9\x92\xa5\xe7\xae\xa1\xe7\x90\x86\xe6\x9c\x8d\xe5\x8a\xa1\xe8\xae\xa1\xe7\xae\x97\xe6\x9c\xba\xe5\x90\x8d\xe7\xa7\xb0\xe6\x88\x90\xe5\x8a\x9f\xe5\x9c\xb0\xe8\xae\xbe\xe7\xbd\xae\xe4\xb8\xba %s\xe3\x80\x82\r\n", argv[2]);
        return 0;
    }
    if (ieq(argv[1], "-ipk") && argc >= 3) {
        rc = atoi(pop("ipk", "0"));
        if (rc == 0) set("lic.key", argv[2]);
        printf(rc == 0 ? "\xe6\x88\x90\xe5\x8a\x9f\xe5\x9c\xb0\xe5\xae\x89\xe8\xa3\x85\xe4\xba\x86\xe4\xba\xa7\xe5\x93\x81\xe5\xaf\x86\xe9\x92\xa5 %s\xe3\x80\x82\r\n" : "\xe9\x94\x99\xe8\xaf\xaf: %s\r\n", argv[2]);
        return rc;
    }
    if (ieq(argv[1], "-ato")) {
        if (is("ato.hold", "yes")) hold_until_released();
        printf("\xe6\xad\xa3\xe5\x9c\xa8\xe6\xbf\x80\xe6\xb4\xbb Windows(R)...\r\n");
        snprintf(hosts, sizeof hosts, ",%s,", get("unreachable.hosts", ""));
        snprintf(host, sizeof host, ",%s,", get("lic.kms", ""));
        if (strlen(host) > 2 && strstr(hosts, host)) {
            rc = HR_NO_KMS; /* this host never answers */
        } else if (fabs(clock_offset()) > KMS_CLOCK_TOLERANCE_SECONDS) {
            /* The KMS refuses a client more than 4 hours off; the client often reports it as 0xC004F074. */
            rc = atoi(get("kms.skew_code", "-1073418132"));
        } else {
            rc = atoi(pop("ato", "0"));
        }
        if (rc == 0) {
            /* -ato can exit 0 without activating: the status is what ato.sets_status says. */
            set("lic.status", get("ato.sets_status", "1"));
            printf("\xe6\x88\x90\xe5\x8a\x9f\xe5\x9c\xb0\xe6\xbf\x80\xe6\xb4\xbb\xe4\xba\x86\xe4\xba\xa7\xe5\x93\x81\xe3\x80\x82\r\n");
        } else {
            printf("\xe9\x94\x99\xe8\xaf\xaf: 0x%08lX\r\n", (unsigned long)(unsigned int)rc);
        }
        return rc;
    }
    return 1;
}

/* ---- icacls ---- */
static int tool_icacls(int argc, char **argv) {
    int i;
    if (argc < 2) return 87;
    for (i = 2; i < argc; i++)
        if (ieq(argv[i], "/inheritance:r")) set("dir.inheritance", "removed");
    printf("processed file: %s\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n", argv[1]);
    return 0;
}

/* ---- eventcreate ---- */

/* eventcreate /L APPLICATION /T <type> /SO <source> /ID <1-1000> /D "<text>": records the event. A new source needs /L. */
static int tool_eventcreate(int argc, char **argv) {
    const char *log = NULL, *type = NULL, *source = NULL, *id = NULL, *text = NULL;
    char record[2 * MAX_LEN];
    int i, n;
    for (i = 1; i + 1 < argc; i += 2) {
        if (ieq(argv[i], "/L")) log = argv[i + 1];
        else if (ieq(argv[i], "/T")) type = argv[i + 1];
        else if (ieq(argv[i], "/SO")) source = argv[i + 1];
        else if (ieq(argv[i], "/ID")) id = argv[i + 1];
        else if (ieq(argv[i], "/D")) text = argv[i + 1];
        else break;
    }
    n = id ? atoi(id) : 0;
    if (i < argc || !type || !id || !text || n < 1 || n > 1000 || (source && !log) ||
        !(ieq(type, "ERROR") || ieq(type, "WARNING") || ieq(type, "INFORMATION") || ieq(type, "SUCCESSAUDIT") || ieq(type, "FAILUREAUDIT"))) {
        printf("ERROR: Invalid Argument/Option. Type \"EVENTCREATE /?\" for usage.\r\n");
        return 1;
    }
    snprintf(record, sizeof record, "%s|%s|%s|%d|%s", log ? log : "APPLICATION", type, source ? source : "EventCreate", n, text);
    set("event.last", record);
    printf("SUCCESS: An event of type '%s' was created in the '%s' log with '%s' as the source.\r\n", type, log ? log : "Application", source ? source : "EventCreate");
    return 0;
}

/* True when this copy runs from the Windows folder (system32 and its subfolders) or the bench. */
static int trusted_location(void) {
    char path[MAX_PATH];
    char windir[MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
    if (n == 0 || n >= sizeof path) return 0;
    if (!GetWindowsDirectoryA(windir, sizeof windir)) return 0;
    strncat(windir, "\\system32\\", sizeof windir - strlen(windir) - 1);
    return istarts(path, windir) || istarts(path, "C:\\bench\\");
}

int main(int argc, char **argv) {
    char tool[MAX_LEN];
    const char *base = argv[0];
    const char *p;
    char *dot;
    int rc;
    for (p = argv[0]; *p; p++)
        if (*p == '\\' || *p == '/') base = p + 1;
    snprintf(tool, sizeof tool, "%s", base);
    dot = strrchr(tool, '.');
    if (dot) *dot = 0;
    lower(tool);
    if (strcmp(tool, "standin") == 0 && argc > 1) {
        snprintf(tool, sizeof tool, "%s", argv[1]);
        lower(tool);
        argv++;
        argc--;
    }
    _setmode(_fileno(stdout), _O_BINARY);
    if (!trusted_location()) {
        /* A look-alike in the working directory: a careless script runs it instead of the real tool. */
        log_call("PLANTED ", tool, argc, argv);
        return 0;
    }
    trace(tool, "start");
    load_state();
    log_call("", tool, argc, argv);
    if (strcmp(tool, "sc") == 0) rc = tool_sc(argc, argv);
    else if (strcmp(tool, "net") == 0) rc = tool_net(argc, argv);
    else if (strcmp(tool, "ping") == 0) rc = 0;
    else if (strcmp(tool, "w32tm") == 0) rc = tool_w32tm(argc, argv);
    else if (strcmp(tool, "wmic") == 0) rc = tool_wmic(argc, argv);
    else if (strcmp(tool, "powershell") == 0) rc = tool_powershell(argc, argv);
    else if (strcmp(tool, "slmgr") == 0) rc = tool_slmgr(argc, argv);
    else if (strcmp(tool, "icacls") == 0) rc = tool_icacls(argc, argv);
    else if (strcmp(tool, "eventcreate") == 0) rc = tool_eventcreate(argc, argv);
    else rc = 9009;
    save_state();
    fflush(stdout);
    {
        char done[64];
        snprintf(done, sizeof done, "end rc=%d entries=%d", rc, entries);
        trace(tool, done);
    }
    return rc;
}
