"""Click disks at net resolution (docs/per-click-algorithm.md, steps 4-5), checked against counts worked out by hand."""

import numpy as np

from simpleclick.click import Click
from simpleclick.click_maps import (click_disk_maps, draw_disks, is_skipped, map_click_to_net, mirror_net_point,
                                    net_points)
from simpleclick.zoom_in import Roi


def test_integer_centre_disk_has_81_pixels():
    # lattice points with dy^2 + dx^2 <= 25: 81 (Gauss circle count for r = 5)
    raster = draw_disks([(10.0, 12.0)], 32)
    assert raster.dtype == np.float32
    assert raster.sum() == 81
    assert raster[5, 12] == 1 and raster[4, 12] == 0  # (5,0) on the circle is in
    assert raster[13, 16] == 1 and raster[14, 16] == 0  # (3,4) in, (4,4) out


def test_half_pixel_centre_disk_has_80_pixels():
    # with (2dy)^2 + (2dx)^2 <= 100 over odd 2dy, 2dx: per quadrant 5 + 5 + 4 + 4 + 2 = 20
    assert draw_disks([(10.5, 10.5)], 32).sum() == 80


def test_fractional_centre_matches_direct_count():
    y, x = 9.3, 17.8
    rows, cols = np.mgrid[0:32, 0:32]
    expected = ((rows - y) ** 2 + (cols - x) ** 2 <= 25).astype(np.float32)
    np.testing.assert_array_equal(draw_disks([(y, x)], 32), expected)


def test_differences_are_rounded_to_float32():
    # row 15 is 5 + 1e-8 below the click: outside in exact arithmetic, but float32(5.00000001) == 5.0 -> inside.
    y = 15 - 5 - 1e-8
    raster = draw_disks([(y, 7.0)], 32)
    assert (15 - y) ** 2 > 25
    assert raster[15, 7] == 1


def test_union_of_clicks():
    raster = draw_disks([(10.0, 10.0), (12.0, 10.0)], 32)
    # the two disks overlap: union = 81 + 81 - overlap; overlap is symmetric around row 11
    single = draw_disks([(10.0, 10.0)], 32) + draw_disks([(12.0, 10.0)], 32)
    assert raster.sum() == (single > 0).sum()
    assert raster.max() == 1


def test_both_negative_coordinates_are_skipped():
    # the disk of (-1, -0.5) would cover pixels (0..3, 0..3) but max(y, x) < 0 marks it as padding
    assert is_skipped((-1.0, -0.5))
    assert draw_disks([(-1.0, -0.5)], 32).sum() == 0
    # one non-negative coordinate is enough to draw
    partial = draw_disks([(-1.0, 3.0)], 32)
    assert not is_skipped((-1.0, 3.0)) and partial.sum() > 0 and partial[0, 3] == 1
    # exactly zero is not negative
    assert not is_skipped((-3.0, 0.0))


def test_map_click_to_net_uses_roi_size_not_resize_grid():
    roi = Roi(10, 109, 20, 219)  # 100 x 200
    assert map_click_to_net(Click(60, 120, True), roi, 448) == (224.0, 224.0)
    assert map_click_to_net(Click(10, 20, True), roi, 448) == (0.0, 0.0)
    # last pixel maps to S * 99 / 100, not S - 1 (what align_corners would give)
    assert map_click_to_net(Click(109, 219, True), roi, 448) == (448 * 99 / 100, 448 * 199 / 200)
    # a click left of the ROI maps to a negative x'
    assert map_click_to_net(Click(60, 0, True), roi, 448)[1] == -44.8


def test_mirror_formula():
    assert mirror_net_point((3.0, 3.0), 32) == (3.0, 28.0)
    assert mirror_net_point((3.0, 0.25), 32) == (3.0, 30.75)


def test_mirrored_copy_is_drawn_from_mirrored_coordinates_not_mirrored_raster():
    roi = Roi(0, 63, 0, 63)  # 64 px -> S = 32: click x maps to x / 2
    clicks = [Click(20, 21, True), Click(40, 7, False)]  # net x' = 10.5 and 3.5
    plain = click_disk_maps(clicks, roi, 32)
    mirrored = click_disk_maps(clicks, roi, 32, mirrored=True)
    expected_pos = draw_disks([(10.0, 32 - 10.5 - 1)], 32)
    expected_neg = draw_disks([(20.0, 32 - 3.5 - 1)], 32)
    np.testing.assert_array_equal(mirrored[0], expected_pos)
    np.testing.assert_array_equal(mirrored[1], expected_neg)
    # x'' = S - x' - 1 reflects about (S - 1) / 2 like the raster flip, so here both agree; they part where the
    # skip rule applies to one copy only (next test)
    np.testing.assert_array_equal(mirrored, plain[:, :, ::-1])


def test_mirrored_skip_is_decided_separately():
    plain_point = (-2.0, 31.5)
    mirrored_point = mirror_net_point(plain_point, 32)  # (-2, -0.5): both negative -> skipped
    assert not is_skipped(plain_point) and is_skipped(mirrored_point)
    assert draw_disks([plain_point], 32).sum() > 0
    assert draw_disks([mirrored_point], 32).sum() == 0
    # through click_disk_maps (ROI 32 x 32, S = 32: scale 1)
    roi = Roi(10, 41, 10, 41)
    click = Click(8, 41, True)  # y' = -2, x' = 31 -> x'' = 0
    assert net_points([click], roi, 32, mirrored=True)[0][0] == (-2.0, 0.0)
    assert click_disk_maps([click], roi, 32, mirrored=True)[0].sum() > 0
    corner = Click(8, 9, True)  # y' = -2, x' = -1: skipped; mirrored x'' = 32: drawn (its disk reaches col 31)
    assert click_disk_maps([corner], roi, 32)[0].sum() == 0
    assert click_disk_maps([corner], roi, 32, mirrored=True)[0].sum() > 0


def test_positive_and_negative_channels():
    roi = Roi(0, 31, 0, 31)
    maps = click_disk_maps([Click(5, 5, True), Click(20, 20, False)], roi, 32)
    assert maps.shape == (2, 32, 32) and maps.dtype == np.float32
    assert maps[0, 5, 5] == 1 and maps[1, 5, 5] == 0
    assert maps[1, 20, 20] == 1 and maps[0, 20, 20] == 0
    assert maps[0].sum() == 81 and maps[1].sum() == 81
