package dev.cauce.write;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Joins Parquet parts of one sink into one file by appending their row groups as they are (bytes
 * copied, no row decoded or re-encoded): the rows, their schema and the footer's key-value metadata
 * (the Avro schema) stay those the parts were written with. Through Beam's file systems, so
 * staging on GCS works too.
 */
final class ParquetParts {
  private ParquetParts() {}

  /** Writes {@code out} from {@code parts} (at least one, all of the same schema); returns the bytes read. */
  static long merge(List<MatchResult.Metadata> parts, ResourceId out) throws IOException {
    ParquetMetadata first;
    try (ParquetFileReader r = ParquetFileReader.open(LiveRewrite.inputFile(parts.get(0).resourceId()))) {
      first = r.getFooter();
    }
    long total = 0;
    try (WritableByteChannel channel = FileSystems.create(out, MimeTypes.BINARY)) {
      ParquetFileWriter w = new ParquetFileWriter(output(channel), first.getFileMetaData().getSchema(),
          ParquetFileWriter.Mode.OVERWRITE, org.apache.parquet.hadoop.ParquetWriter.DEFAULT_BLOCK_SIZE, 0);
      w.start();
      for (MatchResult.Metadata part : parts) {
        w.appendFile(LiveRewrite.inputFile(part.resourceId()));
        total += part.sizeBytes();
      }
      w.end(first.getFileMetaData().getKeyValueMetaData());
    }
    return total;
  }

  /** A Parquet output file over a channel, counting its position (as Beam's ParquetIO does). */
  static OutputFile output(WritableByteChannel channel) {
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        return new PositionOutputStream() {
          private long pos;

          @Override
          public long getPos() {
            return pos;
          }

          @Override
          public void write(int b) throws IOException {
            out.write(b);
            pos++;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
          }

          @Override
          public void flush() throws IOException {
            out.flush();
          }

          @Override
          public void close() throws IOException {
            out.close();
          }
        };
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }
    };
  }
}
