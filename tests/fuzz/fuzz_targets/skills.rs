//! The skills language's untrusted inputs: an ESCO CSV download's skills or occupations file (as `esco import`
//! reads it; what it would write must read back the same), a vacancy profile (JSON or TOML, checked against ESCO), and a search query. The first byte picks one.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use skillspass::core::esco::{Esco, Labels, Pillar, download};
use skillspass::core::vacancy::VacancyProfile;

const SKILLS_HEADER: &str = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\r\n";
const OCCUPATIONS_HEADER: &str = "conceptUri,iscoGroup,preferredLabel,altLabels,description,code\r\n";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let esco = Esco::embedded();
    match mode % 4 {
        0 | 1 => {
            let mut files = BTreeMap::new();
            let (skills, occupations) = if mode % 4 == 0 {
                (rest.to_vec(), OCCUPATIONS_HEADER.as_bytes().to_vec())
            } else {
                (SKILLS_HEADER.as_bytes().to_vec(), rest.to_vec())
            };
            files.insert("skills_nl.csv".to_owned(), skills);
            files.insert("occupations_nl.csv".to_owned(), occupations);
            if let Ok(read) = download::read(&files, "nl", "fuzz") {
                // What an import writes reads back the same.
                let decoded = Labels::decode(&read.labels.encode()).expect("an imported labels file decodes");
                assert_eq!(decoded, read.labels);
            }
        }
        2 => {
            if let Ok(profile) = VacancyProfile::parse(&String::from_utf8_lossy(rest), &esco) {
                let _ = skillspass::core::gap::compute(&profile, &[], &esco, "en", chrono::Utc::now());
                let _ = skillspass::core::openid4vp::dcql_for_profile(&profile, &esco);
            }
        }
        _ => {
            let _ = esco.search(Pillar::Skills, &String::from_utf8_lossy(rest), "en", 10);
        }
    }
});
