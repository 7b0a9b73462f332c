// Run by java-interop.test.ts with Java's own implementations (JDK 17 + snappy-java, the library
// Kafka's Java client uses): stdin in, stdout out.
//   xerial-out  compress stdin with SnappyOutputStream (what a Java producer writes)
//   snappy-in   decompress stdin with SnappyInputStream (what a Java consumer reads: xerial, or raw as a fallback)
//   crc32c      print java.util.zip.CRC32C of stdin in hex
//   crc32       print java.util.zip.CRC32 of stdin in hex
import java.io.*;
import java.util.zip.*;
import org.xerial.snappy.*;

public class CodecCheck {
  public static void main(String[] args) throws Exception {
    byte[] in = System.in.readAllBytes();
    OutputStream out = System.out;
    switch (args[0]) {
      case "xerial-out": {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (SnappyOutputStream s = new SnappyOutputStream(bos)) { s.write(in); }
        out.write(bos.toByteArray());
        break;
      }
      case "snappy-in": {
        try (SnappyInputStream s = new SnappyInputStream(new ByteArrayInputStream(in))) { out.write(s.readAllBytes()); }
        break;
      }
      case "crc32c": { CRC32C c = new CRC32C(); c.update(in); out.write(Long.toHexString(c.getValue()).getBytes()); break; }
      case "crc32": { CRC32 c = new CRC32(); c.update(in); out.write(Long.toHexString(c.getValue()).getBytes()); break; }
      default: throw new IllegalArgumentException(args[0]);
    }
    out.flush();
  }
}
