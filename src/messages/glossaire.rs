//! Le glossaire du français d'usbide : le mot juste pour chaque chose, et
//! les mots à éviter, que les tests cherchent dans chaque entrée française
//! (le catalogue, les causes de `crate::diagnose`) et dans les écrans
//! français capturés.
//!
//! | chose | on écrit | on évite |
//! |---|---|---|
//! | ce qu'`auth.json` contient | les identifiants (de connexion) | l'identification |
//! | l'action | se connecter, se reconnecter ; la connexion | s'identifier, s'identifier à |
//! | l'action inverse | se déconnecter ; la déconnexion | fermer la session |
//! | une clé d'OpenAI | une clé d'API | une clé API |
//! | un jeton d'accès | un jeton | un token |
//! | un jeton prolongé | renouveler | rafraîchir |
//! | `payload.toml` et les empreintes | le manifeste d'installation | le relevé |
//! | un SHA-256 | une empreinte | un hash |
//! | un disque interne | non amovible | fixe |
//! | une clé où l'on peut écrire | accessible en écriture | inscriptible |
//! | le petit interrupteur de la clé | le curseur de protection en écriture | le verrou |
//! | le zip pour le support | l'archive de diagnostic | le dossier d'assistance |
//! | un avertissement du diagnostic | `AVERT` | `ATTN` |
//! | donner une valeur | définissez | mettez |
//! | encore une fois | de nouveau (ou le préfixe re-) | à nouveau |
//! | le numéro d'un volume | le numéro de volume | l'id. du volume |
//! | un pare-feu qui ne répond pas | bloque le trafic sans répondre | jette le trafic |
//!
//! Typographie : une espace insécable (U+00A0, ou fine U+202F) avant `:`
//! `;` `?` `!` et à l'intérieur des guillemets « », jamais de guillemets
//! droits autour d'une valeur (sauf dans une ligne de configuration à
//! recopier, `clé = "valeur"`).

/// Les mots à éviter, en minuscules, avec le mot juste.
pub const AVOID: &[(&str, &str)] = &[
    ("identification", "identifiants / connexion"),
    ("identifiez", "connectez-vous"),
    ("s'identifier", "se connecter"),
    ("attn", "AVERT"),
    ("inscriptible", "accessible en écriture"),
    ("relevé", "manifeste d'installation / enregistré"),
    ("dossier d'assistance", "archive de diagnostic"),
    ("id. du volume", "numéro de volume"),
    ("mettez", "définissez"),
    ("à nouveau", "de nouveau"),
    ("jette", "bloque"),
    ("clé api", "clé d'API"),
    ("token", "jeton"),
    ("rafraîch", "renouveler"),
    ("son verrou", "son curseur de protection en écriture"),
    ("vivre sur", "être installé sur"),
    ("en cache la", "ne dit pas"),
    (
        "rien à faire",
        "c'est impossible / vous n'avez rien à faire",
    ),
];

/// Ce qui, dans `text` (une entrée française ou un écran capturé), enfreint
/// le glossaire ou la typographie : une liste vide quand tout va bien. Le
/// texte entre accents graves (commandes, chemins) et les citations de
/// codex entre « » ne sont pas du français d'usbide.
pub fn faults(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let prose = prose(text);
    let lower = prose.to_lowercase();
    for (avoid, write) in AVOID {
        // « vous n'avez rien à faire », « mettez à jour » disent bien ce
        // qu'ils veulent dire.
        let found = lower
            .match_indices(avoid)
            .filter(|(i, _)| {
                // A whole word: `transmettez` is not `mettez`.
                !lower[..*i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic)
            })
            .count();
        let fine = ["vous n'avez rien à faire", "mettez à jour"]
            .iter()
            .any(|ok| ok.contains(avoid) && found == lower.matches(ok).count());
        if found > 0 && !fine {
            out.push(format!("« {avoid} » : écrire {write}"));
        }
    }
    let chars: Vec<char> = prose.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let spaced = |ch: Option<char>| matches!(ch, Some('\u{a0}' | '\u{202f}'));
        match c {
            // Un deux-points collé (`E:`, `http:`, `12:30`) n'est pas de la
            // ponctuation ; suivi d'une espace ou en fin de texte, il l'est.
            ':' | ';' | '!' | '?'
                if after.is_none_or(|a| a == ' ' || a == '\n')
                    && !spaced(before)
                    && !drive_letter(&chars[..i]) =>
            {
                // `[O/n]`, `(0 : sans limite)` : seule compte la ponctuation.
                out.push(format!(
                    "pas d'espace insécable avant « {c} » (position {i})"
                ));
            }
            '«' if !spaced(after) => out.push("pas d'espace insécable après « « »".into()),
            '»' if !spaced(before) => out.push("pas d'espace insécable avant « » »".into()),
            _ => {}
        }
    }
    let unquoted = config_lines_removed(&prose);
    if unquoted.contains('"') {
        out.push("guillemets droits : écrire « »".into());
    }
    out
}

/// Whether `before` ends with a lone letter (`C` of `SystemDrive=C:`): a
/// drive, not a word before punctuation.
fn drive_letter(before: &[char]) -> bool {
    match before {
        [.., prev, letter] => letter.is_ascii_alphabetic() && !prev.is_alphanumeric(),
        [letter] => letter.is_ascii_alphabetic(),
        [] => false,
    }
}

/// `text` sans ce qui est entre accents graves ni les citations « … ».
fn prose(text: &str) -> String {
    let outside_code: String = text.split('`').step_by(2).collect::<Vec<_>>().join("`");
    let mut out = String::new();
    let mut rest = outside_code.as_str();
    while let Some(open) = rest.find('«') {
        out.push_str(&rest[..open + '«'.len_utf8()]);
        let after = &rest[open + '«'.len_utf8()..];
        match after.find('»') {
            Some(close) => {
                // Les espaces qui bordent la citation restent vérifiées.
                let inside = &after[..close];
                out.push(inside.chars().next().unwrap_or(' '));
                out.push(inside.chars().next_back().unwrap_or(' '));
                rest = &after[close..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// `text` sans les valeurs de configuration à recopier (`clé = "valeur"`,
/// `-c clé="valeur"`).
fn config_lines_removed(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("=\"").or_else(|| rest.find("= \"")) {
        let start = if rest[at..].starts_with("=\"") {
            at + 2
        } else {
            at + 3
        };
        out.push_str(&rest[..at]);
        let after = &rest[start..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_catch_what_they_are_for() {
        assert!(faults("aucune identification sur cette clé USB").len() == 1);
        assert!(!faults("statut : ATTN").is_empty());
        assert!(!faults("doit valoir auto, pas \"sometimes\"").is_empty());
        assert!(!faults("« sometimes »").is_empty());
        assert!(faults("doit valoir auto, pas «\u{a0}sometimes\u{a0}»").is_empty());
        assert!(faults("définissez [windows] sandbox = \"unelevated\"").is_empty());
        assert!(faults("lancé avec\u{a0}: -c forced_login_method=\"chatgpt\" -c x=1").is_empty());
        assert!(faults("lancez `usbide login --reset : x`").is_empty());
        assert!(faults("E:\\ et https://x, à 12:30").is_empty());
        assert!(faults("SystemDrive=C:\nHOME=/h").is_empty());
        assert!(!faults("Que faire:\n").is_empty());
        assert!(faults("vous n'avez rien à faire").is_empty());
        assert!(!faults("sur FAT, rien à faire").is_empty());
        assert!(faults("codex dit «\u{a0}database is locked: x\u{a0}»").is_empty());
    }
}
