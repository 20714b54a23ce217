package org.robustmri.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The real-scan view averages final epochs over slices (SSIM), volumes (PSNR) and seeds, against zero-filling. */
class RealScansTest {
    @TempDir
    Path tmp;

    @Test
    void finalEpochsAreAveragedOverSeedsAndComparedWithZeroFilling() throws Exception {
        String spec = ",x";
        String csv = String.join("\n",
                "run,train_set,checkpoint,epoch,test_set,volume,slice,metric,value,metric_spec",
                // seed 0: epoch 1 is not final and must be ignored
                "a0,sim,e1,1,real,v.h5,0,ssim,0.10" + spec,
                "a0,sim,e2,2,real,v.h5,0,ssim,0.60" + spec,
                "a0,sim,e2,2,real,v.h5,1,ssim,0.70" + spec,
                "a0,sim,e2,2,real,v.h5,-1,psnr,22.0" + spec,
                "a1,sim,e2,2,real,v.h5,0,ssim,0.50" + spec,
                "a1,sim,e2,2,real,v.h5,1,ssim,0.40" + spec,
                "a1,sim,e2,2,real,v.h5,-1,psnr,20.0" + spec,
                // a simulated test set is not part of the view
                "a0,sim,e2,2,sim,s.h5,0,ssim,0.99" + spec,
                "zero-filled,zero-filled,,0,real,v.h5,0,ssim,0.55" + spec,
                "zero-filled,zero-filled,,0,real,v.h5,1,ssim,0.55" + spec,
                "zero-filled,zero-filled,,0,real,v.h5,-1,psnr,21.5" + spec) + "\n";
        Path results = tmp.resolve("results.csv");
        Files.writeString(results, csv);
        List<RunInfo> runs = List.of(new RunInfo("a0", "sim", Set.of("sim"), "unet-c8", 0, 0, Map.of()),
                new RunInfo("a1", "sim", Set.of("sim"), "unet-c8", 1, 0, Map.of()));
        List<RealScans.Score> s = RealScans.read(results, runs, Set.of("real"), Map.of("unet-c8", "U-Net"));
        assertThat(s).hasSize(2);
        RealScans.Score model = s.stream().filter(x -> x.model().equals("U-Net")).findFirst().orElseThrow();
        assertThat(model.runs()).isEqualTo(2);
        assertThat(model.ssim()).isCloseTo((0.6 + 0.7 + 0.5 + 0.4) / 4, within(1e-12));
        assertThat(model.psnr()).isCloseTo(21.0, within(1e-12));
        assertThat(model.zeroFilledSsim()).isCloseTo(0.55, within(1e-12));
        assertThat(model.zeroFilledPsnr()).isCloseTo(21.5, within(1e-12));
        assertThat(model.beatsZeroFilled()).isFalse(); // SSIM +0.0, PSNR -0.5
        assertThat(RealScans.findings(s)).singleElement().asString().contains("0 of 1 final models");
    }
}
