/*
 * Scripted stand-in for the Windows tools the activation script calls and Wine lacks or cannot
 * fake: sc, net, ping, w32tm, wmic, powershell and (through slmgr.vbs) slmgr. One program,
 * copied under each tool's name; it picks its behaviour from its own file name, or from the
 * first argument when called as "standin.exe <tool> ...".
 *
 * State lives in C:\bench\state.txt as key=value lines that the test writes (the scenario) and
 * this program updates (service states, KMS host, license status). Every call is appended to
 * C:\bench\calls.log as one line: the tool name and its arguments. Sequences such as
 * "seq.ato=-1073418124,0" are consumed one value per call.
 */
#include <ctype.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_PATH "C:\\bench\\state.txt"
#define CALLS_PATH "C:\\bench\\calls.log"
#define MAX_ENTRIES 128
#define MAX_LEN 512

static char keys[MAX_ENTRIES][MAX_LEN];
static char values[MAX_ENTRIES][MAX_LEN];
static int entries = 0;

static void load_state(void) {
    FILE *f = fopen(STATE_PATH, "r");
    char line[2 * MAX_LEN];
    if (!f) return;
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
    if (!f) return;
    for (i = 0; i < entries; i++) fprintf(f, "%s=%s\n", keys[i], values[i]);
    fclose(f);
}

static const char *get(const char *key, const char *fallback) {
    int i;
    for (i = 0; i < entries; i++)
        if (strcmp(keys[i], key) == 0) return values[i];
    return fallback;
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

static void log_call(const char *tool, int argc, char **argv, int first) {
    FILE *f = fopen(CALLS_PATH, "a");
    int i;
    if (!f) return;
    fputs(tool, f);
    for (i = first; i < argc; i++) fprintf(f, " %s", argv[i]);
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

static int tool_sc(int argc, char **argv) {
    const char *start;
    if (argc < 3) return 1639;
    if (ieq(argv[1], "qc")) {
        start = get(service_key(argv[2], "start"), "demand");
        printf("[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: %s\r\n", argv[2]);
        if (strcmp(start, "disabled") == 0) printf("        START_TYPE         : 4   DISABLED\r\n");
        else if (strcmp(start, "demand") == 0) printf("        START_TYPE         : 3   DEMAND_START\r\n");
        else printf("        START_TYPE         : 2   AUTO_START\r\n");
        return 0;
    }
    if (ieq(argv[1], "query")) {
        int running = strcmp(get(service_key(argv[2], "state"), "stopped"), "running") == 0;
        printf("\r\nSERVICE_NAME: %s\r\n        STATE              : %s\r\n", argv[2], running ? "4  RUNNING" : "1  STOPPED");
        return 0;
    }
    if (ieq(argv[1], "config") && argc >= 5 && ieq(argv[3], "start=")) {
        set(service_key(argv[2], "start"), argv[4]);
        printf("[SC] ChangeServiceConfig SUCCESS\r\n");
        return 0;
    }
    return 1639;
}

static int tool_net(int argc, char **argv) {
    if (argc < 3 || !ieq(argv[1], "start")) return 1;
    if (strcmp(get(service_key(argv[2], "start"), "demand"), "disabled") == 0) {
        printf("System error 1058 has occurred.\r\n");
        return 2;
    }
    if (strcmp(get(service_key(argv[2], "state"), "stopped"), "running") == 0) {
        printf("The requested service has already been started.\r\n");
        return 2;
    }
    set(service_key(argv[2], "state"), "running");
    printf("The %s service was started successfully.\r\n", argv[2]);
    return 0;
}

static int tool_w32tm(int argc, char **argv) {
    int running = strcmp(get("svc.w32time.state", "stopped"), "running") == 0;
    const char *result;
    if (argc < 2) return 1;
    if (ieq(argv[1], "/config")) {
        if (!running) {
            printf("The following error occurred: The service has not been started. (0x80070426)\r\n");
            return -2147023834;
        }
        printf("The command completed successfully.\r\n");
        return 0;
    }
    if (ieq(argv[1], "/resync")) {
        if (!running) {
            printf("The following error occurred: The service has not been started. (0x80070426)\r\n");
            return -2147023834;
        }
        result = pop("resync", "ok");
        if (strcmp(result, "nodata") == 0) {
            printf("The computer did not resync because no time data was available.\r\n");
            return 1;
        }
        set("clock.resyncs", result);
        printf("Sending resync command to local computer\r\nThe command completed successfully.\r\n");
        return 0;
    }
    return 1;
}

static int license_known(void) {
    return *get("lic.status", "") != 0;
}

static int tool_wmic(void) {
    if (!license_known()) {
        printf("No Instance(s) Available.\r\n");
        return 0;
    }
    /* wmic ends each line with CR CR LF when its output is redirected or piped. */
    printf("\r\r\n\r\r\nKeyManagementServiceMachine=%s\r\r\nLicenseStatus=%s\r\r\n\r\r\n\r\r\n",
           get("lic.kms", ""), get("lic.status", ""));
    return 0;
}

static int tool_powershell(int argc, char **argv) {
    int i;
    int asks_license = 0;
    for (i = 1; i < argc; i++)
        if (strstr(argv[i], "SoftwareLicensingProduct")) asks_license = 1;
    if (!asks_license) return 1;
    if (license_known()) printf("KeyManagementServiceMachine=%s\r\nLicenseStatus=%s\r\n", get("lic.kms", ""), get("lic.status", ""));
    return 0;
}

/* slmgr prints localized text (Chinese here, as on Tencent's Chinese images) and exits with the HRESULT. */
static int tool_slmgr(int argc, char **argv) {
    const char *code;
    int rc;
    char host[MAX_LEN];
    char *colon;
    if (argc < 2) return 1;
    if (ieq(argv[1], "-skms") && argc >= 3) {
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
        /* A host listed in unreachable.hosts never answers, whatever the sequence says. */
        char hosts[MAX_LEN];
        char *tok;
        snprintf(hosts, sizeof hosts, ",%s,", get("unreachable.hosts", ""));
        snprintf(host, sizeof host, ",%s,", get("lic.kms", ""));
        tok = strstr(hosts, host);
        code = tok && strlen(host) > 2 ? "-1073418124" : pop("ato", "0");
        rc = atoi(code);
        if (rc == 0) {
            set("lic.status", get("ato.sets_status", "1"));
            printf("\xe6\xad\xa3\xe5\x9c\xa8\xe6\xbf\x80\xe6\xb4\xbb Windows(R)...\r\n\xe6\x88\x90\xe5\x8a\x9f\xe5\x9c\xb0\xe6\xbf\x80\xe6\xb4\xbb\xe4\xba\x86\xe4\xba\xa7\xe5\x93\x81\xe3\x80\x82\r\n");
        } else {
            printf("\xe6\xad\xa3\xe5\x9c\xa8\xe6\xbf\x80\xe6\xb4\xbb Windows(R)...\r\n\xe9\x94\x99\xe8\xaf\xaf: 0x%08lX\r\n", (unsigned long)(unsigned int)rc);
        }
        return rc;
    }
    return 1;
}

int main(int argc, char **argv) {
    char tool[MAX_LEN];
    const char *base = argv[0];
    const char *p;
    char *dot;
    int first = 1;
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
    load_state();
    log_call(tool, argc, argv, first);
    if (strcmp(tool, "sc") == 0) rc = tool_sc(argc, argv);
    else if (strcmp(tool, "net") == 0) rc = tool_net(argc, argv);
    else if (strcmp(tool, "ping") == 0) rc = 0;
    else if (strcmp(tool, "w32tm") == 0) rc = tool_w32tm(argc, argv);
    else if (strcmp(tool, "wmic") == 0) rc = tool_wmic();
    else if (strcmp(tool, "powershell") == 0) rc = tool_powershell(argc, argv);
    else if (strcmp(tool, "slmgr") == 0) rc = tool_slmgr(argc, argv);
    else rc = 9009;
    save_state();
    fflush(stdout);
    return rc;
}
