package rpscope.adapter.yubico;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rpscope's adapter protocol, version 1 (docs/protocol.md): JSON Lines on stdin and stdout, one
 * answer per request, in order, flushed after each; logs on stderr only.
 */
final class Protocol {
  static final int VERSION = 1;

  /** The longest request line read; a longer one is answered with an error, never buffered. */
  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  /** How much of an over-long or unreadable line is kept to find its {@code seq}. */
  private static final int PREFIX_BYTES = 4096;

  private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d{1,18})");

  static final ObjectMapper JSON = new ObjectMapper();

  private Protocol() {}

  static void log(String message) {
    System.err.println(Adapter.NAME + " adapter: " + message);
    System.err.flush();
  }

  /** One line of input: its bytes, or (when it was too long) only its first bytes. */
  record Line(byte[] bytes, boolean tooLong, long length) {}

  /** Reads {@code \n}-terminated lines of at most {@link #MAX_LINE_BYTES} bytes. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** The next line without its terminator, or null at the end of input. */
    Line next() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long length = 0;
      boolean tooLong = false;
      boolean sawAny = false;
      while (true) {
        if (start == end) {
          int n = in.read(buffer);
          if (n < 0) {
            return sawAny ? finish(line, tooLong, length) : null;
          }
          start = 0;
          end = n;
        }
        sawAny = true;
        int newline = -1;
        for (int i = start; i < end; i++) {
          if (buffer[i] == '\n') {
            newline = i;
            break;
          }
        }
        int stop = newline < 0 ? end : newline;
        int count = stop - start;
        length += count;
        if (!tooLong && length > MAX_LINE_BYTES) {
          tooLong = true;
        }
        int keep = tooLong ? Math.max(0, Math.min(count, PREFIX_BYTES - line.size())) : count;
        line.write(buffer, start, keep);
        start = newline < 0 ? end : newline + 1;
        if (newline >= 0) {
          return finish(line, tooLong, length);
        }
      }
    }

    private static Line finish(ByteArrayOutputStream line, boolean tooLong, long length) {
      byte[] bytes = line.toByteArray();
      if (tooLong && bytes.length > PREFIX_BYTES) {
        bytes = java.util.Arrays.copyOf(bytes, PREFIX_BYTES);
      }
      if (!tooLong && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
        bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
      }
      return new Line(bytes, tooLong, length);
    }
  }

  /** The {@code seq} of a line that could not be read as JSON, when one can be seen in it. */
  static Long seqOf(byte[] prefix) {
    String text =
        new String(prefix, 0, Math.min(prefix.length, PREFIX_BYTES), StandardCharsets.ISO_8859_1);
    Matcher m = SEQ.matcher(text);
    return m.find() ? Long.valueOf(m.group(1)) : null;
  }

  static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  static void write(OutputStream out, JsonNode answer) throws IOException {
    out.write(JSON.writeValueAsBytes(answer));
    out.write('\n');
    out.flush();
  }

  // The four answers of docs/protocol.md ("The answer").

  static ObjectNode accept(JsonNode seq) {
    return answer(seq, "accept", null);
  }

  static ObjectNode reject(JsonNode seq, String message) {
    return answer(seq, "reject", message);
  }

  static ObjectNode skipped(JsonNode seq, String message) {
    return answer(seq, "skipped", message);
  }

  static ObjectNode error(JsonNode seq, String message) {
    return answer(seq, "error", message);
  }

  static ObjectNode answer(JsonNode seq, String result, String message) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.set("seq", seq == null ? JsonNodeFactory.instance.nullNode() : seq);
    node.put("result", result);
    if (message != null) {
      node.put("message", message);
    }
    return node;
  }
}
