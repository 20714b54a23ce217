package org.robustmri.model;

import org.robustmri.io.Safetensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.DataException;
import org.robustmri.tensor.Torch;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoints carry a hash of their tensors, verified on every load; non-finite weights are refused by name. */
class CheckpointIntegrityTest {
    @TempDir
    Path tmp;

    static ReconstructionModel model() {
        return ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 3);
    }

    @Test
    void flippedBytesAreFoundOnLoadAndFromTheCommandLine() throws Exception {
        Path ckpt = tmp.resolve("w.safetensors");
        Weights.save(model(), ckpt, Map.of("epoch", "1"));
        assertThat(Safetensors.read(ckpt).metadata()).containsKey(Safetensors.CONTENT_HASH);
        Weights.loadModel(ckpt, null); // intact: loads
        long dataStart;
        try (RandomAccessFile f = new RandomAccessFile(ckpt.toFile(), "rw")) {
            byte[] len = new byte[8];
            f.readFully(len);
            dataStart = 8 + ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long mid = dataStart + (f.length() - dataStart) / 2;
            for (int i = 0; i < 16; i++) {
                f.seek(mid + i);
                int b = f.read();
                f.seek(mid + i);
                f.write(b ^ 0x5A);
            }
        }
        assertThatThrownBy(() -> Weights.loadModel(ckpt, null)).isInstanceOf(DataException.class)
                .hasMessageContaining("w.safetensors").hasMessageContaining("corrupt");
        Path out = tmp.resolve("recon");
        CliTestSupport.Result r = CliTestSupport.run("reconstruct", "--model", ckpt.toString(),
                TestFiles.REAL_KSPACE.resolve("pulseq_phantom_32ch.h5").toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().trim()).startsWith("error:").contains("w.safetensors").contains("corrupt").doesNotContain("\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        ReconstructionModel m = model();
        String name = "unet.up_conv.1.1.bias";
        try (NoGradGuard g = new NoGradGuard()) {
            m.parameters().get(name).fill_(Torch.scalar(Double.NaN));
        }
        Path ckpt = tmp.resolve("nan.safetensors");
        Weights.save(m, ckpt, Map.of());
        assertThatThrownBy(() -> Weights.loadModel(ckpt, null)).isInstanceOf(DataException.class)
                .hasMessageContaining("nan.safetensors").hasMessageContaining("tensor " + name).hasMessageContaining("non-finite");
        assertThat(Files.exists(ckpt)).isTrue();
    }
}
