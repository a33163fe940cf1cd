//! Unit tests for `layout`.
use super::*;
use crate::graph::fold::{fold_crowded, Slot};
use crate::graph::ordering::{count_inversions, order_columns, total_crossings};

fn node(column: usize, value: f64) -> NodeSpec {
    NodeSpec { column, value, group: None }
}

fn link(source: usize, target: usize, value: f64) -> LinkSpec {
    LinkSpec { source, target, value }
}

/// Two hosts, three endpoints, two owners; input order chosen to cross.
fn crossing_graph() -> (Vec<NodeSpec>, Vec<LinkSpec>) {
    let nodes = vec![
        node(0, 300.0),
        node(0, 300.0),
        node(1, 100.0),
        node(1, 200.0),
        node(1, 300.0),
        node(2, 300.0),
        node(2, 300.0),
    ];
    let links = vec![
        link(0, 4, 300.0),
        link(1, 2, 100.0),
        link(1, 3, 200.0),
        link(2, 6, 100.0),
        link(3, 6, 200.0),
        link(4, 5, 300.0),
    ];
    (nodes, links)
}

#[test]
fn nodes_sit_in_their_columns_left_to_right() {
    let (nodes, links) = crossing_graph();
    let params = LayoutParams::default();
    let layout = layered(&nodes, &links, &params);
    assert_eq!(layout.order.len(), 3);
    let x = |i: usize| layout.nodes[i].min.x;
    assert_eq!(x(0), params.left_margin);
    assert_eq!(x(0), x(1));
    assert!(x(2) > x(0) && x(5) > x(2));
    assert!((layout.nodes[5].max.x - (params.width - params.right_margin)).abs() < 0.01);
}

#[test]
fn node_heights_are_proportional_to_bytes() {
    let (nodes, links) = crossing_graph();
    let layout = layered(&nodes, &links, &LayoutParams::default());
    let h = |i: usize| layout.nodes[i].height();
    assert!((h(3) / h(2) - 2.0).abs() < 1e-3);
    assert!((h(4) / h(2) - 3.0).abs() < 1e-3);
    assert!((h(0) - 300.0 * layout.scale).abs() < 1e-3);
}

#[test]
fn ribbons_stack_on_their_nodes_without_gaps() {
    let (nodes, links) = crossing_graph();
    let layout = layered(&nodes, &links, &LayoutParams::default());
    // Host 1 sends two ribbons: they start at its top and together fill it exactly.
    let mut tops: Vec<(f32, f32)> =
        [1, 2].iter().map(|&l| (layout.ribbons[l].source_top, layout.ribbons[l].width)).collect();
    tops.sort_by(|a, b| a.0.total_cmp(&b.0));
    let host = layout.nodes[1];
    assert!((tops[0].0 - host.min.y).abs() < 1e-3);
    assert!((tops[0].0 + tops[0].1 - tops[1].0).abs() < 1e-3);
    assert!((tops[1].0 + tops[1].1 - host.max.y).abs() < 1e-3);
    // Owner 6 receives two ribbons stacked the same way.
    let mut arrivals: Vec<(f32, f32)> =
        [3, 4].iter().map(|&l| (layout.ribbons[l].target_top, layout.ribbons[l].width)).collect();
    arrivals.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!((arrivals[0].0 - layout.nodes[6].min.y).abs() < 1e-3);
    assert!((arrivals[0].0 + arrivals[0].1 - arrivals[1].0).abs() < 1e-3);
    assert!((arrivals[1].0 + arrivals[1].1 - layout.nodes[6].max.y).abs() < 1e-3);
}

#[test]
fn ribbon_band_follows_a_smooth_curve_between_its_ends() {
    let r = RibbonGeometry { x0: 0.0, x1: 100.0, source_top: 10.0, target_top: 50.0, width: 5.0 };
    assert_eq!(r.top_at(0.0), Some(10.0));
    assert_eq!(r.top_at(100.0), Some(50.0));
    assert_eq!(r.top_at(50.0), Some(30.0));
    assert_eq!(r.top_at(101.0), None);
    assert!(r.contains(Point { x: 50.0, y: 32.0 }));
    assert!(!r.contains(Point { x: 50.0, y: 40.0 }));
}

#[test]
fn sweeps_reduce_crossings_compared_with_input_order() {
    let (nodes, links) = crossing_graph();
    let input: Vec<Vec<usize>> = vec![vec![0, 1], vec![2, 3, 4], vec![5, 6]];
    let before = total_crossings(&input, &links, nodes.len());
    let after_order = order_columns(&nodes, &links, input, 4);
    let after = total_crossings(&after_order, &links, nodes.len());
    assert!(before > 0);
    assert!(after < before, "{after} !< {before}");
    assert_eq!(after, 0);
}

#[test]
fn groups_stay_together_in_their_column() {
    let mut nodes = vec![node(0, 3.0), node(1, 1.0), node(1, 1.0), node(1, 1.0)];
    nodes[1].group = Some(7);
    nodes[3].group = Some(7);
    nodes[2].group = Some(8);
    let links = vec![link(0, 1, 1.0), link(0, 2, 1.0), link(0, 3, 1.0)];
    let layout = layered(&nodes, &links, &LayoutParams::default());
    let column = &layout.order[1];
    let p1 = column.iter().position(|&n| n == 1).unwrap();
    let p3 = column.iter().position(|&n| n == 3).unwrap();
    assert_eq!(p1.abs_diff(p3), 1, "{column:?}");
}

#[test]
fn inversions_are_counted_exactly() {
    assert_eq!(count_inversions(&mut [3, 2, 1]), 3);
    assert_eq!(count_inversions(&mut [1, 2, 2, 3]), 0);
    assert_eq!(count_inversions(&mut [2, 1, 2, 1]), 3);
}

#[test]
fn same_input_gives_the_same_layout() {
    let (nodes, links) = crossing_graph();
    let a = layered(&nodes, &links, &LayoutParams::default());
    let b = layered(&nodes, &links, &LayoutParams::default());
    assert_eq!(a, b);
    // Equal values everywhere: ties are broken by input order, not by chance.
    let flat: Vec<NodeSpec> = (0..6).map(|i| node(i / 3, 1.0)).collect();
    let flat_links = vec![link(0, 3, 1.0), link(1, 4, 1.0), link(2, 5, 1.0)];
    let c = layered(&flat, &flat_links, &LayoutParams::default());
    assert_eq!(c.order, vec![vec![0, 1, 2], vec![3, 4, 5]]);
}

#[test]
fn labels_spread_apart_within_bounds() {
    let placed = spread_labels(&[10.0, 11.0, 12.0, 95.0], 10.0, 0.0, 100.0);
    for pair in placed.windows(2) {
        assert!(pair[1] - pair[0] >= 10.0 - 1e-4, "{placed:?}");
    }
    assert!(placed.iter().all(|&y| (0.0..=100.0).contains(&y)));
    assert_eq!(placed[0], 10.0);
}

#[test]
fn crowded_columns_fold_the_smallest_per_group() {
    // Group 0 has five entries, group 1 has two; room for five slots.
    let entries = [(0, 50.0), (0, 40.0), (0, 3.0), (0, 2.0), (0, 1.0), (1, 30.0), (1, 0.5)];
    let slots = fold_crowded(&entries, 5, &|_| false);
    assert!(slots.len() <= 5, "{slots:?}");
    assert!(slots.contains(&Slot::Keep(0)) && slots.contains(&Slot::Keep(1)) && slots.contains(&Slot::Keep(5)));
    let folded: usize = slots.iter().map(|s| if let Slot::More { members, .. } = s { members.len() } else { 0 }).sum();
    let kept = slots.iter().filter(|s| matches!(s, Slot::Keep(_))).count();
    assert_eq!(kept + folded, entries.len());
    // The fold of group 0 comes right after group 0's last kept entry.
    let more0 = slots.iter().position(|s| matches!(s, Slot::More { group: 0, .. })).unwrap();
    assert!(matches!(slots[more0 - 1], Slot::Keep(i) if entries[i].0 == 0));
}

#[test]
fn expanded_groups_are_never_folded_and_small_columns_are_left_alone() {
    let entries = [(0, 50.0), (0, 40.0), (0, 3.0), (1, 2.0), (1, 1.0)];
    let slots = fold_crowded(&entries, 3, &|g| g == 0);
    for i in 0..3 {
        assert!(slots.contains(&Slot::Keep(i)), "{slots:?}");
    }
    let folded: Vec<usize> =
        slots.iter().flat_map(|s| if let Slot::More { members, .. } = s { members.clone() } else { vec![] }).collect();
    assert_eq!(folded, vec![3, 4], "{slots:?}");
    let all = fold_crowded(&entries, 10, &|_| false);
    assert_eq!(all, (0..5).map(Slot::Keep).collect::<Vec<_>>());
}

#[test]
fn every_node_gets_room_for_its_label_and_heights_stay_proportional() {
    let nodes = vec![node(0, 1000.0), node(1, 990.0), node(1, 5.0), node(1, 5.0)];
    let links = vec![link(0, 1, 990.0), link(0, 2, 5.0), link(0, 3, 5.0)];
    let params = LayoutParams { height: 400.0, min_slot: 30.0, node_gap: 4.0, ..LayoutParams::default() };
    let layout = layered(&nodes, &links, &params);
    let mut centres: Vec<f32> = layout.order[1].iter().map(|&i| layout.nodes[i].center().y).collect();
    centres.sort_by(f32::total_cmp);
    for pair in centres.windows(2) {
        assert!(pair[1] - pair[0] >= 30.0 - 1e-3, "{centres:?}");
    }
    assert!(layout
        .nodes
        .iter()
        .all(|r| r.min.y >= params.vertical_margin - 1e-3 && r.max.y <= params.height - params.vertical_margin + 1e-3));
    assert!((layout.nodes[1].height() / layout.nodes[0].height() - 0.99).abs() < 1e-3);
}

#[test]
fn a_fold_never_hides_a_single_entry() {
    // Four groups, one small entry each beyond the largest: folding would give "1 more" nodes.
    let entries = [(0, 100.0), (0, 90.0), (1, 5.0), (2, 4.0), (3, 3.0)];
    let slots = fold_crowded(&entries, 4, &|_| false);
    assert!(slots.len() <= 4 || slots.iter().all(|s| matches!(s, Slot::Keep(_))), "{slots:?}");
    for s in &slots {
        if let Slot::More { members, .. } = s {
            assert!(members.len() > 1, "{slots:?}");
        }
    }
}

#[test]
fn swaps_remove_crossings_the_sweeps_left() {
    let nodes = vec![node(0, 1.0), node(0, 1.0), node(1, 1.0), node(1, 1.0)];
    let links = vec![link(0, 3, 1.0), link(1, 2, 1.0)];
    let mut order = vec![vec![0, 1], vec![2, 3]];
    assert_eq!(total_crossings(&order, &links, 4), 1);
    crate::graph::ordering::refine_by_swaps(&mut order, &nodes, &links, usize::MAX);
    assert_eq!(total_crossings(&order, &links, 4), 0);
}

#[test]
fn fixed_columns_swap_within_a_group_and_never_add_crossings_on_their_right() {
    use crate::graph::ordering::{crossings_per_gap, refine_fixed_columns};
    // Hosts 0, 1; endpoints 2, 3 (both lead to owner 4, group 4) and 5 (owner 6).
    let spec = |column, group| NodeSpec { column, value: 1.0, group };
    let nodes = vec![
        spec(0, None),
        spec(0, None),
        spec(1, Some(4)),
        spec(1, Some(4)),
        spec(2, Some(0)),
        spec(1, Some(6)),
        spec(2, Some(1)),
    ];
    let link = |source, target| LinkSpec { source, target, value: 1.0 };
    let links = vec![link(0, 3), link(1, 2), link(1, 5), link(2, 4), link(3, 4), link(5, 6)];
    let mut order = vec![vec![0, 1], vec![2, 3, 5], vec![4, 6]];
    let before = crossings_per_gap(&order, &links, nodes.len());
    refine_fixed_columns(&mut order, &nodes, &links, 1);
    let after = crossings_per_gap(&order, &links, nodes.len());
    assert_eq!(order[1], vec![3, 2, 5], "endpoints of one owner trade places");
    assert!(after[0] < before[0], "{before:?} -> {after:?}");
    assert_eq!(after[1], 0);
    assert_eq!(order[2], vec![4, 6], "the owner column keeps its order");
}
