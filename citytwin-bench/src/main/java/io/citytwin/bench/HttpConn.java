package io.citytwin.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection over a raw socket: writes pre-built request bytes and reads one response,
 * parsing only the status line, the headers it needs ({@code Content-Length}, {@code Transfer-Encoding}, {@code
 * Connection}) and skipping the body. Not thread-safe: one thread per connection.
 */
final class HttpConn implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] skip = new byte[16384];
    private final StringBuilder line = new StringBuilder(128);

    /** Opens the connection to {@code host:port}. */
    HttpConn(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        open();
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
    }

    /**
     * Builds the bytes of a request with the given method, path (already URL-encoded) and optional JSON body.
     *
     * @param body the JSON body, or null for none
     */
    static byte[] request(String method, String host, String path, String body) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        sb.append("Accept: application/json\r\n");
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            sb.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(b.length)
                    .append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return all;
    }

    /**
     * Sends one request and reads its whole response.
     *
     * @return the HTTP status code
     * @throws IOException when the connection fails (the connection is then reopened on the next call)
     */
    int exchange(byte[] request) throws IOException {
        if (socket == null) {
            open();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Like {@link #exchange} but returns the body as text (for the few control requests, e.g. /metrics). */
    String exchangeForBody(byte[] request, int[] status) throws IOException {
        out.write(request);
        out.flush();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        status[0] = readResponse(body);
        return body.toString(StandardCharsets.UTF_8);
    }

    private int readResponse() throws IOException {
        return readResponse(null);
    }

    private int readResponse(java.io.ByteArrayOutputStream sink) throws IOException {
        String status = readLine();
        if (status.length() < 12 || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status, 9, 12, 10);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        while (true) {
            String h = readLine();
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon);
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(h.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = h.substring(colon + 1).trim().equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = h.substring(colon + 1).trim().equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            while (true) {
                String size = readLine();
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                skipBytes(n, sink);
                readLine();
            }
        } else if (length > 0) {
            skipBytes(length, sink);
        } else if (length < 0 && code != 204 && code != 304) {
            close = true; // body until close: read it all
            int r;
            while ((r = in.read(skip)) > 0) {
                if (sink != null) {
                    sink.write(skip, 0, r);
                }
            }
        }
        if (close) {
            closeQuietly();
        }
        return code;
    }

    private void skipBytes(long n, java.io.ByteArrayOutputStream sink) throws IOException {
        while (n > 0) {
            int r = in.read(skip, 0, (int) Math.min(skip.length, n));
            if (r < 0) {
                throw new IOException("connection closed mid-body");
            }
            if (sink != null) {
                sink.write(skip, 0, r);
            }
            n -= r;
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // nothing more to do with a broken socket
        }
        socket = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
