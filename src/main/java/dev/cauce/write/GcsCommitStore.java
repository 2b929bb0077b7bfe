package dev.cauce.write;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.services.storage.Storage;
import com.google.api.services.storage.model.StorageObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.extensions.gcp.options.GcsOptions;
import org.apache.beam.sdk.extensions.gcp.util.Transport;
import org.apache.beam.sdk.extensions.gcp.util.gcsfs.GcsPath;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The commit record on {@code gs://}: one object, replaced by a single upload with the
 * precondition {@code ifGenerationMatch=<generation read>} ({@code 0}: must not exist yet), so GCS
 * itself lets exactly one of two racing writers win. Beam's {@code FileSystems} cannot express that
 * precondition, so this uses the JSON API client Beam builds for the same options ({@link
 * Transport#newStorageClient}: endpoint, credentials, retries). The record is read at the
 * generation whose metadata was read, so its content and version always match.
 */
final class GcsCommitStore implements CommitStore {
  private static final int PRECONDITION_FAILED = 412;
  private static final int NOT_FOUND = 404;
  private static final int READ_ATTEMPTS = 5;

  private final ResourceId resource;
  private final GcsPath path;
  private final PipelineOptions options;
  private Storage storage;

  GcsCommitStore(ResourceId resource, PipelineOptions options) {
    this.resource = resource;
    this.path = GcsPath.fromUri(resource.toString());
    this.options = options;
  }

  private Storage storage() {
    if (storage == null) {
      storage = Transport.newStorageClient(options.as(GcsOptions.class)).build();
    }
    return storage;
  }

  @Override
  public Snapshot read() throws IOException {
    for (int attempt = 1; ; attempt++) {
      StorageObject meta;
      try {
        meta = storage().objects().get(path.getBucket(), path.getObject()).execute();
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() == NOT_FOUND) {
          return Snapshot.NONE;
        }
        throw e;
      }
      long generation = meta.getGeneration();
      try (InputStream in = storage().objects().get(path.getBucket(), path.getObject()).setGeneration(generation)
          .executeMediaAsInputStream()) {
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Snapshot(Optional.of(CommitStore.parse(resource, json)), generation);
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() != NOT_FOUND || attempt == READ_ATTEMPTS) {
          throw e;
        }
        // replaced between the two calls: read the newer generation
      }
    }
  }

  @Override
  public void replace(Snapshot expected, Commit next) throws IOException {
    byte[] bytes = next.toJson().getBytes(StandardCharsets.UTF_8);
    StorageObject object = new StorageObject().setName(path.getObject()).setContentType("application/json");
    try {
      Storage.Objects.Insert insert = storage().objects()
          .insert(path.getBucket(), object, new ByteArrayContent("application/json", bytes))
          .setIfGenerationMatch(expected.version());
      insert.setDisableGZipContent(true); // a small record; plain bodies, as Beam's own uploads send
      insert.getMediaHttpUploader().setDisableGZipContent(true);
      insert.execute();
    } catch (GoogleJsonResponseException e) {
      if (e.getStatusCode() == PRECONDITION_FAILED) {
        throw CommitStore.concurrent(resource, expected, read());
      }
      throw e;
    }
  }
}
