/* libFuzzer target for the hidapi stand-in's side of the emulator socket: a fake emulator answers
   every connection with the fuzz input (then closes), while the stand-in is driven through the
   hidapi calls a program makes. Built by scripts/fuzz with clang -fsanitize=fuzzer,address. */
#include <hidapi.h>
#include <poll.h>
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

/* Connections the stand-in still holds open, drained until it closes them. */
enum { open_capacity = 64 };

/* Answers each connection with the current input and closes its sending side, then drains it
   until the stand-in closes it; one thread and poll(2), so a link the stand-in keeps open never
   holds up the next connection. */
static void *serve(void *unused)
{
    (void)unused;
    struct pollfd fds[1 + open_capacity];
    nfds_t count = 1;
    fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
    for (;;) {
        if (poll(fds, count, -1) < 0) continue;
        for (nfds_t index = count; index-- > 1;) {
            if (!fds[index].revents) continue;
            uint8_t sink[4096];
            if (recv(fds[index].fd, sink, sizeof sink, MSG_DONTWAIT) > 0) continue;
            close(fds[index].fd);
            fds[index] = fds[--count];
        }
        if (!(fds[0].revents & POLLIN)) continue;
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        pthread_mutex_lock(&input_lock);
        size_t sent = 0;
        while (sent < input_size) {
            ssize_t written = send(client, input + sent, input_size - sent, MSG_NOSIGNAL);
            if (written <= 0) break;
            sent += (size_t)written;
        }
        pthread_mutex_unlock(&input_lock);
        shutdown(client, SHUT_WR);
        if (count < 1 + open_capacity)
            fds[count++] = (struct pollfd){.fd = client, .events = POLLIN};
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
