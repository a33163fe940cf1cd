//! The force-directed alternative layout (Fruchterman–Reingold): every pair of nodes repels,
//! linked nodes attract, each step moves nodes by at most a cooling "temperature". Pure maths
//! with a fixed seed, so the same graph always settles to the same picture.

use super::layout::Point;

/// Strength of the pull to the centre relative to a link's pull.
const GRAVITY: f32 = 0.08;

#[derive(Debug, Clone, PartialEq)]
pub struct ForceParams {
    pub width: f32,
    pub height: f32,
    /// Free border kept around the nodes.
    pub margin: f32,
    /// Extra room kept on the right, where labels hang.
    pub right_margin: f32,
    pub iterations: usize,
    pub seed: u64,
}

impl Default for ForceParams {
    fn default() -> Self {
        ForceParams { width: 1000.0, height: 600.0, margin: 60.0, right_margin: 0.0, iterations: 300, seed: 0x5eed }
    }
}

/// Push on a node at `delta` (its position minus the other's) from another node: k²/d
/// along `delta`. Coincident nodes are nudged apart along x.
pub fn repulsion(delta: Point, k: f32) -> Point {
    let d = (delta.x * delta.x + delta.y * delta.y).sqrt();
    if d < 1e-3 {
        return Point { x: k, y: 0.0 };
    }
    let f = k * k / d;
    Point { x: delta.x / d * f, y: delta.y / d * f }
}

/// Pull on a node towards a linked node, with `delta` = its position minus the other's:
/// d²/k against `delta`, scaled by the link's weight.
pub fn attraction(delta: Point, k: f32, weight: f32) -> Point {
    let d = (delta.x * delta.x + delta.y * delta.y).sqrt();
    if d < 1e-6 {
        return Point::default();
    }
    let f = d * d / k * weight;
    Point { x: -delta.x / d * f, y: -delta.y / d * f }
}

/// Pull towards the centre, with `delta` = the node's position minus the centre: keeps
/// loosely linked parts from drifting to the border.
pub fn gravity(delta: Point, k: f32, strength: f32) -> Point {
    let d = (delta.x * delta.x + delta.y * delta.y).sqrt();
    if d < 1e-6 {
        return Point::default();
    }
    let f = d * d / k * strength;
    Point { x: -delta.x / d * f, y: -delta.y / d * f }
}

/// Moves `position` along `displacement`, at most `temperature` far, kept inside `[lo, hi]`.
pub fn displace(position: Point, displacement: Point, temperature: f32, lo: Point, hi: Point) -> Point {
    let d = (displacement.x * displacement.x + displacement.y * displacement.y).sqrt();
    let step = if d > temperature && d > 0.0 { temperature / d } else { 1.0 };
    Point {
        x: (position.x + displacement.x * step).clamp(lo.x, hi.x.max(lo.x)),
        y: (position.y + displacement.y * step).clamp(lo.y, hi.y.max(lo.y)),
    }
}

/// Deterministic pseudo-random start positions (SplitMix64 from `seed`).
pub fn initial_positions(count: usize, seed: u64, lo: Point, hi: Point) -> Vec<Point> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    };
    (0..count).map(|_| Point { x: lo.x + (hi.x - lo.x) * next(), y: lo.y + (hi.y - lo.y) * next() }).collect()
}

/// One step: returns each node's displacement from all repulsions and attractions.
pub fn displacements(positions: &[Point], edges: &[(usize, usize, f32)], k: f32, centre: Point) -> Vec<Point> {
    let mut out: Vec<Point> =
        positions.iter().map(|p| gravity(Point { x: p.x - centre.x, y: p.y - centre.y }, k, GRAVITY)).collect();
    for (i, a) in positions.iter().enumerate() {
        for (j, b) in positions.iter().enumerate() {
            if i != j {
                let f = repulsion(Point { x: a.x - b.x, y: a.y - b.y }, k);
                if let Some(o) = out.get_mut(i) {
                    o.x += f.x;
                    o.y += f.y;
                }
            }
        }
    }
    for &(s, t, w) in edges {
        let (Some(&a), Some(&b)) = (positions.get(s), positions.get(t)) else { continue };
        let f = attraction(Point { x: a.x - b.x, y: a.y - b.y }, k, w);
        if let Some(o) = out.get_mut(s) {
            o.x += f.x;
            o.y += f.y;
        }
        if let Some(o) = out.get_mut(t) {
            o.x -= f.x;
            o.y -= f.y;
        }
    }
    out
}

/// Settles `count` nodes linked by `edges` (source, target, weight in 0..=1).
pub fn force_layout(count: usize, edges: &[(usize, usize, f32)], params: &ForceParams) -> Vec<Point> {
    let lo = Point { x: params.margin, y: params.margin };
    let hi = Point { x: params.width - params.margin - params.right_margin, y: params.height - params.margin };
    let centre = Point { x: (lo.x + hi.x) / 2.0, y: (lo.y + hi.y) / 2.0 };
    let mut positions = initial_positions(count, params.seed, lo, hi);
    if count == 0 {
        return positions;
    }
    let area = ((hi.x - lo.x) * (hi.y - lo.y)).max(1.0);
    let k = (area / count as f32).sqrt() * 0.6;
    let start_temperature = (hi.x - lo.x).max(hi.y - lo.y) / 10.0;
    for step in 0..params.iterations {
        let temperature = start_temperature * (1.0 - step as f32 / params.iterations as f32) + 0.5;
        let moves = displacements(&positions, edges, k, centre);
        for (p, d) in positions.iter_mut().zip(&moves) {
            *p = displace(*p, *d, temperature, lo, hi);
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: Point, b: Point) -> f32 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    #[test]
    fn repulsion_pushes_away_and_weakens_with_distance() {
        let near = repulsion(Point { x: 10.0, y: 0.0 }, 10.0);
        let far = repulsion(Point { x: 20.0, y: 0.0 }, 10.0);
        assert!(near.x > 0.0 && near.y == 0.0);
        assert!((near.x - 10.0).abs() < 1e-4);
        assert!(far.x < near.x);
        assert!(repulsion(Point::default(), 5.0).x > 0.0);
    }

    #[test]
    fn attraction_pulls_together_and_grows_with_distance_and_weight() {
        let near = attraction(Point { x: 0.0, y: 10.0 }, 10.0, 1.0);
        let far = attraction(Point { x: 0.0, y: 20.0 }, 10.0, 1.0);
        let heavy = attraction(Point { x: 0.0, y: 10.0 }, 10.0, 2.0);
        assert!(near.y < 0.0);
        assert!(far.y < near.y);
        assert!((heavy.y - 2.0 * near.y).abs() < 1e-4);
    }

    #[test]
    fn gravity_pulls_towards_the_centre() {
        let g = gravity(Point { x: 100.0, y: 0.0 }, 10.0, 0.1);
        assert!(g.x < 0.0 && g.y == 0.0);
        assert_eq!(gravity(Point::default(), 10.0, 0.1), Point::default());
    }

    #[test]
    fn displacement_is_limited_by_temperature_and_bounds() {
        let lo = Point { x: 0.0, y: 0.0 };
        let hi = Point { x: 100.0, y: 100.0 };
        let p = displace(Point { x: 50.0, y: 50.0 }, Point { x: 30.0, y: 40.0 }, 5.0, lo, hi);
        assert!((dist(p, Point { x: 50.0, y: 50.0 }) - 5.0).abs() < 1e-4);
        let q = displace(Point { x: 99.0, y: 50.0 }, Point { x: 10.0, y: 0.0 }, 50.0, lo, hi);
        assert_eq!(q.x, 100.0);
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        let edges = [(0, 1, 1.0), (2, 3, 1.0)];
        let p = force_layout(4, &edges, &ForceParams::default());
        assert!(dist(p[0], p[1]) < dist(p[0], p[2]));
        assert!(dist(p[2], p[3]) < dist(p[1], p[3]));
    }

    #[test]
    fn a_fixed_seed_gives_the_same_layout() {
        let edges = [(0, 1, 1.0), (1, 2, 0.5), (2, 0, 0.2)];
        let params = ForceParams::default();
        assert_eq!(force_layout(3, &edges, &params), force_layout(3, &edges, &params));
        let other = ForceParams { seed: 7, ..params.clone() };
        assert_ne!(
            initial_positions(3, params.seed, Point::default(), Point { x: 1.0, y: 1.0 }),
            initial_positions(3, other.seed, Point::default(), Point { x: 1.0, y: 1.0 })
        );
    }
}
