/* libFuzzer target for the hidapi stand-in's side of the emulator socket: a fake emulator answers
   every connection with the fuzz input (then closes), while the stand-in is driven through the
   hidapi calls a program makes. Built by scripts/fuzz with clang -fsanitize=fuzzer,address. */
#include <hidapi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int listener = -1;
static pthread_mutex_t input_lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *input;
static size_t input_size;

/* Drains one connection until the stand-in closes it, on its own thread so that a link the
   stand-in keeps open never holds up the next connection. */
static void *drain(void *descriptor)
{
    int client = (int)(intptr_t)descriptor;
    uint8_t sink[4096];
    while (recv(client, sink, sizeof sink, 0) > 0) {
    }
    close(client);
    return NULL;
}

/* Answers each connection with the current input, then closes its sending side. */
static void *serve(void *unused)
{
    (void)unused;
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        pthread_mutex_lock(&input_lock);
        size_t sent = 0;
        while (sent < input_size) {
            ssize_t count = send(client, input + sent, input_size - sent, MSG_NOSIGNAL);
            if (count <= 0) break;
            sent += (size_t)count;
        }
        pthread_mutex_unlock(&input_lock);
        shutdown(client, SHUT_WR);
        pthread_t thread;
        if (pthread_create(&thread, NULL, drain, (void *)(intptr_t)client) == 0)
            pthread_detach(thread);
        else
            close(client);
    }
    return NULL;
}

static void set_up(void)
{
    char directory[] = "/tmp/standin-fuzz-XXXXXX";
    if (!mkdtemp(directory)) abort();
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s/emulator.sock", directory);
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0)
        abort();
    setenv("TOKENFORGE_EMULATOR_SOCKET", address.sun_path, 1);
    pthread_t thread;
    if (pthread_create(&thread, NULL, serve, NULL) != 0) abort();
    pthread_detach(thread);
    hid_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (listener < 0) set_up();
    pthread_mutex_lock(&input_lock);
    input = data;
    input_size = size;
    pthread_mutex_unlock(&input_lock);

    char path[256] = "emulator:TF00000001";
    struct hid_device_info *devices = hid_enumerate(0, 0);
    for (struct hid_device_info *device = devices; device; device = device->next) {
        if (device->path && strlen(device->path) < sizeof path) strcpy(path, device->path);
        if (device->serial_number) (void)wcslen(device->serial_number);
    }
    hid_free_enumeration(devices);
    (void)hid_error(NULL);

    hid_device *device = hid_open_path(path);
    if (device) {
        unsigned char report[65] = {0};
        (void)hid_write(device, report, sizeof report);
        (void)hid_read_timeout(device, report, sizeof report, 0);
        (void)hid_send_feature_report(device, report, sizeof report);
        (void)hid_get_feature_report(device, report, sizeof report);
        wchar_t text[64];
        (void)hid_get_product_string(device, text, 64);
        (void)hid_error(device);
        hid_close(device);
    }
    pthread_mutex_lock(&input_lock);
    input = NULL;
    input_size = 0;
    pthread_mutex_unlock(&input_lock);
    return 0;
}
