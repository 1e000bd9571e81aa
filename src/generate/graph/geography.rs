//! The province's districts (towns and rural districts) and their
//! communes, with unique names.

use std::collections::HashSet;

use crate::generate::{
    dice::Dice,
    names::place_name,
    plan::Plan,
    world::{Commune, District, World},
};

/// Draws the districts and their communes.
pub(super) fn geography(d: &mut Dice, plan: &Plan, world: &mut World) {
    let count = (plan.organizations / 45).clamp(8, 40);
    let mut taken = HashSet::new();
    let mut cities = 0;
    for i in 0..count {
        let name = place_name(d, &mut taken);
        let kind = match d.below(100) {
            0..=7 if cities < 2 => {
                cities += 1;
                "thành phố"
            }
            8..=19 => "thị xã",
            _ => "huyện",
        };
        let urban = kind != "huyện";
        let mut local = HashSet::new();
        let mut communes = Vec::new();
        for c in 0..d.between(6, 18) {
            let commune = place_name(d, &mut local);
            let unit = if urban && d.chance(0.6) {
                "phường"
            } else if !urban && c == 0 {
                "thị trấn"
            } else {
                "xã"
            };
            communes.push(world.communes.len());
            world.communes.push(Commune {
                label: format!("{unit} {commune}"),
                name: commune,
                district: i,
            });
        }
        world.districts.push(District {
            label: format!("{kind} {name}"),
            name,
            communes,
            committee: None,
        });
    }
}
