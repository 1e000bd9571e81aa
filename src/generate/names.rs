//! Vietnamese names of people and places, drawn from the word lists.

use std::collections::HashSet;

use super::{
    dice::Dice,
    words::{
        FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, PLACE_FIRST, PLACE_SECOND, SURNAMES,
    },
};

/// A full name: họ, tên đệm (sometimes two), tên.
pub fn person_name(d: &mut Dice, male: bool) -> String {
    let surname = d.pick_weighted(SURNAMES);
    let (middles, givens) = if male {
        (MALE_MIDDLE, MALE_GIVEN)
    } else {
        (FEMALE_MIDDLE, FEMALE_GIVEN)
    };
    let middle = d.pick(middles);
    let mut given = d.pick(givens);
    if given == middle {
        given = d.pick(givens);
    }
    if d.chance(0.12) {
        let second = d.pick(middles);
        if second != middle && second != given {
            return format!("{surname} {middle} {second} {given}");
        }
    }
    format!("{surname} {middle} {given}")
}

/// A place name of two syllables, new to `taken` (while names last).
pub fn place_name(d: &mut Dice, taken: &mut HashSet<String>) -> String {
    loop {
        let first = d.pick(PLACE_FIRST);
        let second = d.pick(PLACE_SECOND);
        if first == second {
            continue;
        }
        let name = format!("{first} {second}");
        if taken.insert(name.clone()) || taken.len() > 1500 {
            return name;
        }
    }
}
