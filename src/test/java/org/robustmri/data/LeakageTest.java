package org.robustmri.data;

import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.io.DataException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakageTest {
    @Test
    void thePapersTrainAndTestSplitsAreDisjoint() {
        Catalog train = Catalog.read(CatalogTest.TRAINSET_01);
        Catalog test = Catalog.read(CatalogTest.TESTSET);
        assertThatCode(() -> Leakage.check(train.entries(), test.entries())).doesNotThrowAnyException();
    }

    @Test
    void theSameFileOnBothSidesIsRefused() {
        Catalog train = Catalog.read(CatalogTest.TRAINSET_01);
        Catalog test = Catalog.read(CatalogTest.TESTSET);
        List<CatalogEntry> leaky = new ArrayList<>(test.entries());
        leaky.add(train.entries().get(5));
        leaky.add(train.entries().get(700));
        assertThatThrownBy(() -> Leakage.check(train.entries(), leaky))
                .isInstanceOf(Leakage.LeakageException.class).isInstanceOf(DataException.class)
                .hasMessageContaining("2 offender(s)")
                .hasMessageContaining("same file " + train.entries().get(5).identity())
                .hasMessageContaining(train.entries().get(700).filename());
        // a different slice range of the same file is still the same file
        Catalog a = Catalog.parse("folderDirectory,filename,start_slice,end_slice\n/d/,f1.h5,0,5\n", "a");
        Catalog b = Catalog.parse("folderDirectory,filename,start_slice,end_slice\n/d,f1.h5,5,9\n/d/,f2.h5,0,3\n", "b");
        List<Leakage.Offender> o = Leakage.find(a.entries(), b.entries());
        assertThat(o).hasSize(1);
        assertThat(o.get(0).kind()).isEqualTo("file");
        assertThat(o.get(0).value()).isEqualTo("/d/f1.h5");
    }

    @Test
    void theSamePatientOnBothSidesIsRefused() {
        String head = "folderDirectory,filename,end_slice,patient_id\n";
        Catalog train = Catalog.parse(head + "/a/,x1.h5,3,p7\n/a/,x2.h5,3,unknown\n/a/,x3.h5,3,\n", "train");
        Catalog test = Catalog.parse(head + "/b/,y1.h5,3,p7\n/b/,y2.h5,3,unknown\n/b/,y3.h5,3,\n/b/,y4.h5,3,p8\n", "test");
        assertThatThrownBy(() -> Leakage.check(train.entries(), test.entries()))
                .hasMessageContaining("1 offender(s)")
                .hasMessageContaining("same patient_id 'p7': /a/x1.h5 (train) / /b/y1.h5 (test)");
        // two real scans of one volunteer (head coil and body coil) must not be split across train and test
        Catalog real = CatalogScanner.scan(List.of(TestFiles.REAL_KSPACE), CatalogScanner.Options.defaults()).catalog();
        List<CatalogEntry> r = real.entries();
        assertThat(Leakage.find(List.of(r.get(0)), List.of(r.get(1))))
                .singleElement().satisfies(x -> assertThat(x.value()).isEqualTo("pulseq-brain-2024-02-06"));
        assertThat(Leakage.find(List.of(r.get(0), r.get(1)), List.of(r.get(2), r.get(3), r.get(4)))).isEmpty();
    }
}
