package io.citytwin.notify;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/*
 * A minimal HTTP/1.1 client for plain-http notification POSTs (RFC 9112), used instead of java.net.http for speed:
 * the dispatcher keeps one request in flight per endpoint, so the cost per request (not concurrency) bounds the
 * notification rate, and java.net.http's selector hand-offs cost several times a blocking socket write + read on a
 * virtual thread. Keep-alive connections are pooled per host:port (idle ones in a deque, most recently used first).
 * Responses are framed by Content-Length or chunked transfer coding; 1xx interim answers are skipped; a response
 * without framing is read to the end of the connection, which is then not reused. A request on a reused connection
 * that fails before any answer is retried once on a new connection (the server may have closed it while idle);
 * that can deliver a notification twice, which at-least-once delivery allows.
 */
/** Blocking HTTP/1.1 POST over pooled keep-alive sockets; see the block comment above. Thread-safe. */
final class Http1Client implements AutoCloseable {
    private static final int MAX_IDLE_PER_HOST = 64;

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final ConcurrentHashMap<String, ConcurrentLinkedDeque<Conn>> idle = new ConcurrentHashMap<>();

    Http1Client(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    private static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken socket: nothing to do
            }
        }
    }

    /** POSTs {@code body} and returns the status code. */
    int post(URI uri, Map<String, String> headers, byte[] body) throws IOException {
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String key = host + ":" + port;
        byte[] head = head(uri, host, port, headers, body.length);
        ConcurrentLinkedDeque<Conn> pool = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        Conn c = pool.pollFirst();
        if (c != null) {
            try {
                return exchange(c, pool, head, body);
            } catch (IOException e) {
                c.close(); // a stale keep-alive connection: retry once on a new one
            }
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            c = new Conn(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        try {
            return exchange(c, pool, head, body);
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    private int exchange(Conn c, ConcurrentLinkedDeque<Conn> pool, byte[] head, byte[] body) throws IOException {
        c.out.write(head);
        c.out.write(body);
        c.out.flush();
        int status;
        boolean keepAlive;
        while (true) {
            String statusLine = line(c.in);
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: " + statusLine);
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            keepAlive = statusLine.startsWith("HTTP/1.1");
            long length = -1;
            boolean chunked = false;
            String h;
            while (!(h = line(c.in)).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    default -> {}
                }
            }
            if (status >= 100 && status < 200) {
                continue; // interim answer, the final one follows
            }
            if (chunked) {
                skipChunked(c.in);
            } else if (length >= 0) {
                skip(c.in, length);
            } else if (status != 204 && status != 304) {
                c.in.transferTo(OutputStream.nullOutputStream());
                keepAlive = false;
            }
            break;
        }
        if (keepAlive && pool.size() < MAX_IDLE_PER_HOST) {
            pool.addFirst(c);
        } else {
            c.close();
        }
        return status;
    }

    private static byte[] head(URI uri, String host, int port, Map<String, String> headers, int length) {
        StringBuilder sb = new StringBuilder(256);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        sb.append("POST ").append(path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(host);
        if (port != 80) {
            sb.append(':').append(port);
        }
        sb.append("\r\nContent-Length: ").append(length).append("\r\n");
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (n.equals("host")
                    || n.equals("content-length")
                    || n.equals("connection")
                    || n.equals("transfer-encoding")) {
                continue;
            }
            sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') {
                int n = b.size();
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, n > 0 && bytes[n - 1] == '\r' ? n - 1 : n, StandardCharsets.ISO_8859_1);
            }
            if (b.size() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            b.write(ch);
        }
        throw new IOException("connection closed by the endpoint");
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long k = in.skip(left);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in the response body");
                }
                k = 1;
            }
            left -= k;
        }
    }

    private static void skipChunked(InputStream in) throws IOException {
        while (true) {
            String size = line(in);
            int semi = size.indexOf(';');
            long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return;
            }
            skip(in, n);
            line(in);
        }
    }

    @Override
    public void close() {
        for (ConcurrentLinkedDeque<Conn> pool : idle.values()) {
            Conn c;
            while ((c = pool.pollFirst()) != null) {
                c.close();
            }
        }
    }
}
