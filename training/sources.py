"""
Every in-focus field the model is trained, selected or tested on, grouped by *source* (one lab × microscope × cell
type) and assigned to exactly one split. This list is the single record; `fetch_data.py` rebuilds `.devdata/fields/`
from it and writes `training/DATA.md` (one row per image: repository, path, commit, licence, sha256, split, pixel size).

Splits (issue 10, item 1):
- train: content the model learns from. BBBC006 is here, and its held-out fields a05/a06 are in-distribution checks
  only, never a headline figure.
- val: every choice (model selection, input rule, verdict thresholds, aggregation) is made on these sources.
- test: touched once, at the end, by `eval`; never used for a choice.

Pixel size: the model's native pixel size is 0.65 µm (the PSF of the training defocus: Yang et al. 2018). A field
whose pixel size is known, or estimated from nucleus size within the same cell line, and smaller than native is
downsampled to 0.65 µm (anti-aliased), so that an in-focus field at native scale is as sharp as the optics allow.
A field of unknown pixel size is used as it is (as if it were at the native size), and the table says so.

Licences: what trains the shipped weights comes only from clearly licensed sources (BSD-3 / CC0 / CC-BY). Sources
without a licence file (Coelho 2009, Igoshin lab) are used only for validation and testing, never redistributed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NATIVE_PIXEL_UM = 0.65
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Item:
    """One image file of a repository; `channel` picks a plane of a multi-channel file (axis 0, or the last axis for
    RGB-like files), `name` is the field's name in .devdata/fields."""
    path: str
    name: str
    channel: int | None = None


@dataclass(frozen=True)
class Source:
    id: str
    split: str
    repo: str  # "owner/name" of a public GitHub repository, or "shared" for /work/shared/data (../shared/data)
    licence: str
    what: str
    pixel_um: float | None  # known (from the file or the source's documentation) or estimated; None = unknown
    pixel_note: str
    items: tuple[Item, ...] = field(default_factory=tuple)


def _items(paths, channel=None, channels=None):
    out = []
    for p in paths:
        stem = p.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace(" ", "_")
        if channels:
            out += [Item(p, f"{stem}_c{c}", c) for c in channels]
        else:
            out.append(Item(p, stem, channel))
    return tuple(out)


CP = "CellProfiler/examples"
NB = "NEUBIAS/training-resources"
COELHO = "luispedro/Coelho2009_ISBI_NuclearSegmentation"
IGOSHIN = "Igoshin-Group/SinI-SinR-SlrR-data"
CP_LICENCE = "BSD-3-Clause (repository LICENSE)"
NB_LICENCE = "CC-BY 4.0 (repository LICENSE.md)"

_transfluor = [f"ExampleIlluminationCorrection/images/AS_09047_050428030001_O{w:02d}f{f:02d}d2.TIF"
               for w in range(1, 25) for f in range(3)]
_coelho_gnf = [f"data/images/dna-images/gnf/dna-{i}.png" for i in range(50) if i not in (31, 43)]  # 31, 43 blank
_coelho_ic100 = [f"data/images/dna-images/ic100/dna-{i}.png" for i in range(50)]

SOURCES: tuple[Source, ...] = (
    # ---------------------------------------------------------------- train
    Source("bbbc006-u2os", "train", "shared", "BBBC006 (Broad Bioimage Benchmark Collection, CC-BY 3.0); copies from the Apache-2.0 test data of google/microscopeimagequality",
           "U2OS, Hoechst, ImageXpress 20×, 16-bit; the plate the 22 real images come from", 0.65,
           "0.65 µm (Yang et al. 2018)",
           tuple(Item(f"bbbc006-in-focus/BBBC006_{w}_s1_w1_z10.tif", f"BBBC006_{w}") for w in ("a01", "a02", "a03", "a04", "a05", "a06"))),
    Source("cp-transfluor", "train", CP, CP_LICENCE + "; images from BBBC016 (SBS Roche Transfluor)",
           "Transfluor β-arrestin-GFP (BBBC016), cytoplasmic vesicles, 8-bit, 512×512", None, "unknown: used as is",
           _items(_transfluor)),
    Source("cp-fly-kc167", "train", CP, CP_LICENCE,
           "Drosophila Kc167 cells, DNA / two other stains (D, F, R files), 8-bit, 1000×1006", None, "unknown: used as is",
           _items([f"ExampleFly/images/01_POS{p}_{c}.TIF" for p in ("002", "076", "218") for c in "DFR"])),
    Source("cp-human-ht29", "train", CP, "CC0 (ExampleHuman/README.md)",
           "HT29 cells (Moffat et al. 2006): DNA, pH3, phalloidin, 8-bit, 512×512", None, "unknown: used as is",
           _items([f"ExampleHuman/images/AS_09125_050116030001_D03f00d{c}.tif" for c in range(3)])),
    Source("cp-vitra-mcf7", "train", CP, CP_LICENCE + "; images from BBBC014",
           "MCF7 NF-κB translocation (BBBC014): cytoplasm/nucleus, 2 channels, 16-bit", None, "unknown: used as is",
           _items([f"ExampleVitraImages/images/Channel {c}-{w}-A-{w}-00.tif" for c in (1, 2) for w in ("01", "12")])),
    Source("neubias-cecog-hela", "train", NB, NB_LICENCE,
           "HeLa tubulin + H2B (CeCog battery), 2 channels, 8-bit, 1392×1040", None, "unknown: used as is",
           _items(["image_data/xyc_8bit__tub_h2b_cecog_battery.tif"], channels=(0, 1))),
    Source("neubias-plk1", "train", NB, NB_LICENCE,
           "nuclei, PLK1 control and inhibition, 8-bit, 682×682", 0.16605, "0.166 µm (TIFF resolution)",
           _items(["image_data/xy_8bit__nuclei_PLK1_control.tif", "image_data/xy_8bit__nuclei_PLK1_inhibition.tif"])),
    Source("neubias-nuclear-protein", "train", NB, NB_LICENCE,
           "nuclear protein control / treated, 16-bit, 1192×1192", 0.11321, "0.113 µm (TIFF resolution)",
           _items(["image_data/xy_calibrated_16bit__nuclear_protein_control.tif", "image_data/xy_calibrated_16bit__nuclear_protein_treated.tif"])),
    Source("neubias-dapi-tubulin", "train", NB, NB_LICENCE,
           "DAPI + tubulin, 2 channels, 8-bit, 968×730", 0.454, "0.454 µm (TIFF resolution)",
           _items(["image_data/xyc_8bit__dapi_tublin.tif"], channels=(0, 1))),
    # ---------------------------------------------------------------- validation
    Source("coelho-gnf-u2os", "val", COELHO, "no licence file; README asks to cite Coelho et al., ISBI 2009 (validation only, not redistributed)",
           "U2OS, Hoechst (GNF), 8-bit stored as RGB, 1349×1030", 0.33,
           "≈0.33 µm, estimated: nuclei ~2× the diameter of BBBC006's U2OS nuclei at 0.65 µm",
           _items(_coelho_gnf, channel=0)),
    Source("cp-speckles", "val", CP, CP_LICENCE,
           "γH2AX foci + Hoechst, one field, 12-bit, 1200×1000", None, "unknown: used as is",
           _items(["ExampleSpeckles/images/1-162hrh2ax2.tif", "ExampleSpeckles/images/1-162hrhoe2.tif"])),
    Source("cp-colocalization", "val", CP, CP_LICENCE,
           "two channels of sparse bright puncta (CellProfiler colocalization example), 16-bit PNG, 1392×1040", None,
           "unknown: used as is",
           _items([f"ExampleColocalization/images/0_{f}_N_{c}.png" for f in (1, 2) for c in "GR"])),
    # Three validation sources added 2026-12-06. The shipped weights never saw them; an unshipped experiment of
    # 2026-11-29 (training/README.md, "More training sources of unknown pixel size") trained on the first two, and no
    # choice was ever made on their figures.
    Source("neubias-tissue-dapi", "val", NB, NB_LICENCE,
           "tissue section DAPI (spatial-omics anchor and round-1 images of one section), float32, 912×630", None,
           "unknown: used as is (downsampled by its makers, no calibration)",
           _items(["image_data/spatial_omics_dapi/anchor_nuclei_downsampled.tiff", "image_data/spatial_omics_dapi/r1_DAPI_downsampled.tiff"])),
    Source("neubias-scanr-nuclei", "val", NB, NB_LICENCE,
           "nuclei, Olympus scanR, signed 16-bit stored unsigned (offset 32768), 1344×1024", None,
           "unknown: used as is (no calibration)",
           _items(["image_data/xy_16bit__scanR_datatype_issue.tif"])),
    Source("neubias-nup", "val", NB, NB_LICENCE,
           "nuclear pores + nuclei, 8-bit, 512×512", 0.26358, "0.264 µm (TIFF resolution)",
           _items(["image_data/xyc_8bit__nuclei_nup.tif"], channels=(0, 1)) + _items(["image_data/xy_8bit__nup.tif"])),
    Source("neubias-bacteria-cords", "val", NB, NB_LICENCE,
           "mycobacterial cords, 16-bit, 512×512", 0.62817, "0.628 µm (TIFF resolution): about native, not resampled",
           _items(["image_data/xy_16bit__bacteria_cords_thick.tif", "image_data/xy_16bit__bacteria_cords_thin.tif"])),
    Source("neubias-membranes-nuclei", "val", NB, NB_LICENCE,
           "membranes + nuclei, 2 channels, 8-bit, 340×299", 0.5179, "0.518 µm (TIFF resolution)",
           _items(["image_data/xyc_8bit__membranes_nuclei_big.tif"], channels=(0, 1))),
    # ---------------------------------------------------------------- test (touched once, by eval)
    Source("coelho-ic100-nih3t3", "test", COELHO, "no licence file; README asks to cite Coelho et al., ISBI 2009 (test only, not redistributed)",
           "NIH3T3, Hoechst (IC100), 8-bit stored as RGB, 1349×1030", 0.22,
           "≈0.22 µm, estimated: nuclei ~3× the diameter of BBBC006's nuclei at 0.65 µm",
           _items(_coelho_ic100, channel=0)),
    Source("igoshin-bsubtilis", "test", IGOSHIN, "no licence file (test only, not redistributed)",
           "B. subtilis GFP / RFP reporters, 8-bit, 672×512 and 1344×1024", None, "unknown: used as is",
           ()),  # items listed by fetch_data.py from the repository (file names contain spaces)
    Source("neubias-rat-neuron", "test", NB, NB_LICENCE,
           "rat hippocampal neuron, 16-bit, 512×512", 0.16, "0.16 µm (TIFF resolution)",
           _items(["image_data/xy_16bit__rat_hippocampal_neuron.tif"])),
    Source("neubias-eres", "test", NB, NB_LICENCE,
           "ER exit sites, noisy, 16-bit, 512×512", 0.22967, "0.230 µm (TIFF resolution)",
           _items(["image_data/xy_calibrated_16bit__cells_eres_noisy.tif"])),
    Source("neubias-golgi", "test", NB, NB_LICENCE,
           "nuclei + Golgi, 2 channels, 16-bit, 204×220", 0.51575, "0.516 µm (TIFF resolution)",
           _items(["image_data/xyc_16bit__nuclei_golgi.tif"], channels=(0, 1))),
    Source("neubias-plant", "test", NB, NB_LICENCE,
           "plant tissue section, saturated, 12-bit, 512×512", 2.4859,
           "2.49 µm (TIFF resolution): coarser than native, used as is (upsampling would blur it)",
           _items(["image_data/xy_12bit__saturated_plant.tif"])),
)

IGOSHIN_DIRS = ("Data/images/gfp/", "Data/images/rfp/", "Data/images/new-images/GFP/", "Data/images/new-images/RFP/")


def shared_data() -> str:
    """The project's shared data folder: ../shared/data beside the checkout (a worktree one level deeper: ../../)."""
    from pathlib import Path

    for candidate in ("../shared/data", "../../shared/data"):
        if Path(candidate).is_dir():
            return candidate
    return "../shared/data"


@dataclass(frozen=True)
class RealImage:
    """A real image of another lab whose focus its makers documented: measured by `npm run eval` as it is (no
    simulation), never used for training or any choice. `truth` is "in" or "out"; `why` quotes the documentation."""
    id: str
    repo: str
    path: str
    truth: str
    licence: str
    what: str
    why: str


SEPHACE = "bobbyali/sephace"
_SEPHACE_WHAT = ("DAPI, widefield (Hg arc), Nikon 90i, 40× air, Hamamatsu Orca, 8-bit 1344×1024, "
                 "0.2004 µm pixels (ICS header extents), Oxford (Gray Institute)")
_SEPHACE_WHY = ("taken at the stage z of the set's in-focus brightfield plane ({z}; Data/README.txt: the \"fine\" images "
                "are in focus and ±10 µm defocused, and their z positions are in the file names)")

REAL_IMAGES: tuple[RealImage, ...] = (
    RealImage("sephace-set1-dapi", SEPHACE, "Data/Set 1/fl.ics", "in", "MIT (repository LICENSE)", _SEPHACE_WHAT,
              _SEPHACE_WHY.format(z="1352.30 µm; in-focus brightfield plane 1352.25 µm")),
    RealImage("sephace-set2-dapi", SEPHACE, "Data/Set 2/fl.ics", "in", "MIT (repository LICENSE)", _SEPHACE_WHAT,
              _SEPHACE_WHY.format(z="1352.25 µm; in-focus brightfield plane 1352.35 µm")),
)


def sources_in(split: str) -> list[Source]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (choose one of {', '.join(SPLITS)})")
    return [s for s in SOURCES if s.split == split]


def split_of(source_id: str) -> str:
    for s in SOURCES:
        if s.id == source_id:
            return s.split
    raise KeyError(f"unknown source {source_id!r}")
