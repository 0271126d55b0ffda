#define _GNU_SOURCE
#include "emulator_link.h"

#include "wide_text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* LENGTH(4) plus the longest TYPE + BODY. */
#define FRAME_CAPACITY (4 + TF_MAX_MESSAGE_LENGTH)
#define REASON_CAPACITY 512

struct input_report {
    uint8_t *bytes;
    size_t length;
};

/* Threads share a link as leader and followers: whoever finds nobody receiving becomes the
   receiver, polls and parses with `lock` released, and wakes the others through `changed`.
   `request_lock` keeps one request outstanding at a time, so answers pair with requests in order. */
struct tf_link {
    int fd;
    pthread_mutex_t request_lock;
    pthread_mutex_t lock;
    pthread_cond_t changed;

    /* Guarded by `lock`. */
    int receiving;
    struct input_report queue[TF_INPUT_QUEUE_CAPACITY];
    size_t queue_head;
    size_t queue_count;
    int awaiting_answer;
    int answered;
    struct tf_answer answer;
    unsigned stale_answers; /* answers still owed to requests that gave up waiting */
    int broken;
    char broken_reason[REASON_CAPACITY];
    int has_error;
    wchar_t error[TF_ERROR_CAPACITY];

    /* Owned by the receiver. */
    uint8_t *frame;
    size_t frame_length;
};

enum pump_result { PUMP_PROGRESS, PUMP_TIMEOUT };

static const char *error_text(int code, char *buffer, size_t capacity)
{
    return strerror_r(code, buffer, capacity);
}

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* A deadline on the monotonic clock in milliseconds; -1 means none. */
static int64_t deadline_after(int milliseconds)
{
    return milliseconds < 0 ? -1 : now_ms() + milliseconds;
}

static int remaining_ms(int64_t deadline)
{
    if (deadline < 0) return -1;
    int64_t remaining = deadline - now_ms();
    if (remaining < 0) return 0;
    return remaining > INT_MAX ? INT_MAX : (int)remaining;
}

static void set_error_locked(struct tf_link *link, const char *format, va_list arguments)
{
    char text[REASON_CAPACITY];
    vsnprintf(text, sizeof text, format, arguments);
    tf_wide_copy_utf8(link->error, TF_ERROR_CAPACITY, text);
    link->has_error = 1;
}

static void set_error(struct tf_link *link, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void set_error(struct tf_link *link, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    set_error_locked(link, format, arguments);
    va_end(arguments);
}

void tf_link_set_error(struct tf_link *link, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    pthread_mutex_lock(&link->lock);
    set_error_locked(link, format, arguments);
    pthread_mutex_unlock(&link->lock);
    va_end(arguments);
}

void tf_link_clear_error(struct tf_link *link)
{
    pthread_mutex_lock(&link->lock);
    link->has_error = 0;
    pthread_mutex_unlock(&link->lock);
}

const wchar_t *tf_link_error(struct tf_link *link)
{
    pthread_mutex_lock(&link->lock);
    const wchar_t *error = link->has_error ? link->error : NULL;
    pthread_mutex_unlock(&link->lock);
    return error;
}

/* Marks the connection unusable; later calls fail with `reason`. Called with `lock` held. */
static void break_link(struct tf_link *link, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void break_link(struct tf_link *link, const char *format, ...)
{
    if (link->broken) return;
    static const char prefix[] = "tokenforge-emulator: ";
    memcpy(link->broken_reason, prefix, sizeof prefix);
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(link->broken_reason + sizeof prefix - 1, sizeof link->broken_reason - (sizeof prefix - 1), format,
              arguments);
    va_end(arguments);
    link->broken = 1;
}

/* Handles one complete message from the server. Called with `lock` held. */
static void deliver(struct tf_link *link, uint8_t type, const uint8_t *body, size_t length)
{
    switch (type) {
    case TF_INPUT: {
        if (length == 0 || link->queue_count == TF_INPUT_QUEUE_CAPACITY) return;
        uint8_t *copy = malloc(length);
        if (copy == NULL) return; /* lost like a report the kernel had no room for */
        memcpy(copy, body, length);
        size_t tail = (link->queue_head + link->queue_count) % TF_INPUT_QUEUE_CAPACITY;
        link->queue[tail] = (struct input_report){copy, length};
        link->queue_count++;
        return;
    }
    case TF_DEVICES:
    case TF_OPENED:
    case TF_WRITTEN:
    case TF_FEATURE:
    case TF_CONTROL_OK:
    case TF_ERROR:
        if (link->stale_answers > 0) {
            link->stale_answers--;
            return;
        }
        if (link->awaiting_answer && !link->answered) {
            uint8_t *copy = malloc(length > 0 ? length : 1);
            if (copy == NULL) {
                break_link(link, "out of memory for an answer of %zu bytes", length);
                return;
            }
            memcpy(copy, body, length);
            link->answer = (struct tf_answer){type, copy, length};
            link->answered = 1;
            return;
        }
        if (type == TF_ERROR) {
            struct tf_body_reader reader = {body, length, 0, 0};
            size_t count;
            const uint8_t *message = tf_read_string(&reader, &count);
            break_link(link, "%.*s", (int)count, (const char *)message);
        } else {
            break_link(link, "protocol violation: unrequested answer of type 0x%02x", type);
        }
        return;
    default:
        break_link(link, "protocol violation: unknown message type 0x%02x", type);
    }
}

/* Delivers every complete message in the receive buffer. Called with `lock` held. */
static void parse_frames(struct tf_link *link)
{
    size_t offset = 0;
    while (!link->broken && link->frame_length - offset >= 4) {
        const uint8_t *frame = link->frame + offset;
        uint32_t length = (uint32_t)frame[0] << 24 | (uint32_t)frame[1] << 16 | (uint32_t)frame[2] << 8 | frame[3];
        if (length < 1 || length > TF_MAX_MESSAGE_LENGTH) {
            break_link(link, "protocol violation: message length %u", length);
            break;
        }
        if (link->frame_length - offset - 4 < length) break;
        deliver(link, frame[4], frame + 5, length - 1);
        offset += 4 + (size_t)length;
    }
    if (link->broken) {
        link->frame_length = 0;
    } else if (offset > 0) {
        memmove(link->frame, link->frame + offset, link->frame_length - offset);
        link->frame_length -= offset;
    }
}

static void wait_until(struct tf_link *link, int64_t deadline, int *timed_out)
{
    if (deadline < 0) {
        pthread_cond_wait(&link->changed, &link->lock);
        return;
    }
    struct timespec until = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    *timed_out = pthread_cond_timedwait(&link->changed, &link->lock, &until) == ETIMEDOUT;
}

/* Makes progress towards the caller's condition: receives and parses what the socket has, or waits
   while another thread does. Called with `lock` held; the caller re-checks its condition. */
static enum pump_result pump(struct tf_link *link, int64_t deadline)
{
    if (link->receiving) {
        int timed_out = 0;
        wait_until(link, deadline, &timed_out);
        return timed_out ? PUMP_TIMEOUT : PUMP_PROGRESS;
    }

    link->receiving = 1;
    pthread_mutex_unlock(&link->lock);
    struct pollfd readable = {.fd = link->fd, .events = POLLIN};
    int ready = poll(&readable, 1, remaining_ms(deadline));
    int poll_errno = errno;
    ssize_t received = 0;
    int receive_errno = 0;
    if (ready > 0) {
        received = recv(link->fd, link->frame + link->frame_length, FRAME_CAPACITY - link->frame_length, 0);
        receive_errno = errno;
    }
    pthread_mutex_lock(&link->lock);
    link->receiving = 0;

    enum pump_result result = PUMP_PROGRESS;
    char buffer[128];
    if (ready == 0) {
        result = PUMP_TIMEOUT;
    } else if (ready < 0) {
        if (poll_errno != EINTR) break_link(link, "poll failed: %s", error_text(poll_errno, buffer, sizeof buffer));
    } else if (received > 0) {
        link->frame_length += (size_t)received;
        parse_frames(link);
    } else if (received == 0 || receive_errno == ECONNRESET) {
        break_link(link, "device disconnected");
    } else if (receive_errno != EINTR && receive_errno != EAGAIN && receive_errno != EWOULDBLOCK) {
        break_link(link, "receive failed: %s", error_text(receive_errno, buffer, sizeof buffer));
    }
    pthread_cond_broadcast(&link->changed);
    return result;
}

/* Sends one whole message before `deadline`. Returns 0, or -1 with a reason. */
static int send_message(int fd, uint8_t type, const uint8_t *body, size_t length, int64_t deadline, char *reason,
                        size_t reason_capacity)
{
    size_t total = 5 + length;
    uint8_t *message = malloc(total);
    if (message == NULL) {
        snprintf(reason, reason_capacity, "out of memory for a request of %zu bytes", length);
        return -1;
    }
    uint32_t field = (uint32_t)(length + 1);
    message[0] = (uint8_t)(field >> 24);
    message[1] = (uint8_t)(field >> 16);
    message[2] = (uint8_t)(field >> 8);
    message[3] = (uint8_t)field;
    message[4] = type;
    if (length > 0) memcpy(message + 5, body, length);

    size_t sent = 0;
    int result = 0;
    char buffer[128];
    while (sent < total) {
        ssize_t count = send(fd, message + sent, total - sent, MSG_NOSIGNAL);
        if (count > 0) {
            sent += (size_t)count;
            continue;
        }
        if (count < 0 && errno == EINTR) continue;
        if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd writable = {.fd = fd, .events = POLLOUT};
            int ready = poll(&writable, 1, remaining_ms(deadline));
            if (ready > 0 || (ready < 0 && errno == EINTR)) continue;
            if (ready == 0) {
                snprintf(reason, reason_capacity, "not accepting requests (%d ms)", TF_ANSWER_TIMEOUT_MS);
            } else {
                snprintf(reason, reason_capacity, "poll failed: %s", error_text(errno, buffer, sizeof buffer));
            }
        } else if (count < 0 && errno != EPIPE && errno != ECONNRESET) {
            snprintf(reason, reason_capacity, "send failed: %s", error_text(errno, buffer, sizeof buffer));
        } else {
            snprintf(reason, reason_capacity, "device disconnected");
        }
        result = -1;
        break;
    }
    free(message);
    return result;
}

int tf_link_request(struct tf_link *link, uint8_t type, const uint8_t *body, size_t length, uint8_t expected,
                    struct tf_answer *answer)
{
    if (length > TF_MAX_MESSAGE_LENGTH - 1) {
        tf_link_set_error(link, "tokenforge-emulator: a %zu-byte request exceeds the socket's %d-byte limit", length,
                          TF_MAX_MESSAGE_LENGTH - 1);
        return -1;
    }
    pthread_mutex_lock(&link->request_lock);
    pthread_mutex_lock(&link->lock);
    if (link->broken) {
        set_error(link, "%s", link->broken_reason);
        pthread_mutex_unlock(&link->lock);
        pthread_mutex_unlock(&link->request_lock);
        return -1;
    }
    link->awaiting_answer = 1;
    link->answered = 0;
    pthread_mutex_unlock(&link->lock);

    int64_t deadline = deadline_after(TF_ANSWER_TIMEOUT_MS);
    char reason[REASON_CAPACITY];
    int sent = send_message(link->fd, type, body, length, deadline, reason, sizeof reason);

    pthread_mutex_lock(&link->lock);
    if (sent < 0) {
        /* Part of the message may have gone out, so the stream is no longer framed. */
        break_link(link, "%s", reason);
    } else {
        int expired = 0;
        while (!link->answered && !link->broken && !expired) {
            if (pump(link, deadline) == PUMP_TIMEOUT) expired = 1;
        }
    }
    link->awaiting_answer = 0;

    int result = -1;
    if (link->answered) {
        struct tf_answer received = link->answer;
        link->answered = 0;
        if (received.type == expected) {
            *answer = received;
            result = 0;
        } else {
            if (received.type == TF_ERROR) {
                struct tf_body_reader reader = {received.body, received.length, 0, 0};
                size_t count;
                const uint8_t *message = tf_read_string(&reader, &count);
                set_error(link, "tokenforge-emulator: %.*s", (int)count, (const char *)message);
            } else {
                break_link(link, "protocol violation: answered type 0x%02x to a request of type 0x%02x", received.type,
                           type);
                set_error(link, "%s", link->broken_reason);
            }
            free(received.body);
        }
    } else if (link->broken) {
        set_error(link, "%s", link->broken_reason);
    } else {
        link->stale_answers++;
        set_error(link, "tokenforge-emulator: no answer within %d ms", TF_ANSWER_TIMEOUT_MS);
    }
    pthread_mutex_unlock(&link->lock);
    pthread_mutex_unlock(&link->request_lock);
    return result;
}

int tf_link_read(struct tf_link *link, uint8_t *data, size_t length, int milliseconds)
{
    int64_t deadline = deadline_after(milliseconds);
    int expired = 0;
    int result;
    pthread_mutex_lock(&link->lock);
    for (;;) {
        if (link->queue_count > 0) {
            struct input_report report = link->queue[link->queue_head];
            link->queue_head = (link->queue_head + 1) % TF_INPUT_QUEUE_CAPACITY;
            link->queue_count--;
            size_t count = report.length < length ? report.length : length;
            if (count > 0) memcpy(data, report.bytes, count);
            free(report.bytes);
            result = (int)count;
            break;
        }
        if (link->broken) {
            set_error(link, "%s", link->broken_reason);
            result = -1;
            break;
        }
        if (expired) {
            result = 0;
            break;
        }
        if (pump(link, deadline) == PUMP_TIMEOUT) expired = 1;
    }
    pthread_mutex_unlock(&link->lock);
    return result;
}

static int connect_socket(const char *path, char *reason, size_t reason_capacity)
{
    char buffer[128];
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    size_t path_length = strlen(path);
    if (path_length >= sizeof address.sun_path) {
        snprintf(reason, reason_capacity,
                 "cannot connect to tokenforge-emulator at %s: the path is longer than a socket address allows (%zu bytes)",
                 path, sizeof address.sun_path - 1);
        return -1;
    }
    memcpy(address.sun_path, path, path_length + 1);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(reason, reason_capacity, "cannot connect to tokenforge-emulator at %s: socket: %s", path,
                 error_text(errno, buffer, sizeof buffer));
        return -1;
    }
    int failure = 0;
    if (connect(fd, (const struct sockaddr *)&address, sizeof address) < 0) {
        failure = errno;
        if (failure == EINTR) {
            /* The connection completes asynchronously; wait for it and collect its outcome. */
            struct pollfd writable = {.fd = fd, .events = POLLOUT};
            while (poll(&writable, 1, TF_ANSWER_TIMEOUT_MS) < 0 && errno == EINTR) {
            }
            socklen_t size = sizeof failure;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size) < 0) failure = errno;
        }
    }
    if (failure == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) failure = errno;
    if (failure != 0) {
        snprintf(reason, reason_capacity, "cannot connect to tokenforge-emulator at %s: %s", path,
                 error_text(failure, buffer, sizeof buffer));
        close(fd);
        return -1;
    }
    return fd;
}

struct tf_link *tf_link_connect(char *reason, size_t reason_capacity)
{
    const char *path = getenv("TOKENFORGE_EMULATOR_SOCKET");
    if (path == NULL || path[0] == '\0') {
        snprintf(reason, reason_capacity,
                 "cannot connect to tokenforge-emulator: TOKENFORGE_EMULATOR_SOCKET does not name its socket");
        return NULL;
    }
    struct tf_link *link = calloc(1, sizeof *link);
    uint8_t *frame = malloc(FRAME_CAPACITY);
    if (link == NULL || frame == NULL) {
        free(link);
        free(frame);
        snprintf(reason, reason_capacity, "cannot connect to tokenforge-emulator: out of memory");
        return NULL;
    }
    int fd = connect_socket(path, reason, reason_capacity);
    if (fd < 0) {
        free(link);
        free(frame);
        return NULL;
    }
    link->fd = fd;
    link->frame = frame;
    pthread_mutex_init(&link->request_lock, NULL);
    pthread_mutex_init(&link->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&link->changed, &attributes);
    pthread_condattr_destroy(&attributes);
    return link;
}

void tf_link_close(struct tf_link *link)
{
    if (link == NULL) return;
    close(link->fd);
    while (link->queue_count > 0) {
        free(link->queue[link->queue_head].bytes);
        link->queue_head = (link->queue_head + 1) % TF_INPUT_QUEUE_CAPACITY;
        link->queue_count--;
    }
    if (link->answered) free(link->answer.body);
    free(link->frame);
    pthread_cond_destroy(&link->changed);
    pthread_mutex_destroy(&link->lock);
    pthread_mutex_destroy(&link->request_lock);
    free(link);
}
