//! Plausible English interview talk about health, community, goals and motivation, built
//! from templates and word lists with a seeded generator: the same seed gives the same text.

use rand::Rng;
use rand::seq::IndexedRandom;

const PEOPLE: &[&str] = &[
    "a gentleman",
    "one lady",
    "a young mum",
    "an older man",
    "a carer",
    "one of my patients",
    "a woman",
    "a retired teacher",
    "a lad in his twenties",
    "a couple",
];
const NEEDS: &[&str] = &[
    "loneliness",
    "debt",
    "housing",
    "low mood",
    "anxiety",
    "bereavement",
    "mobility",
    "weight",
    "sleep",
    "isolation",
    "benefits",
    "caring responsibilities",
    "chronic pain",
    "confidence",
];
const PLACES: &[&str] = &[
    "the walking group",
    "the community garden",
    "the food bank",
    "the library",
    "the men's shed",
    "a knit and natter group",
    "the leisure centre",
    "the café",
    "a befriending service",
    "Citizens Advice",
    "the church hall",
    "a choir",
    "the allotment",
];
const GOALS: &[&str] = &[
    "get out of the house",
    "lose a bit of weight",
    "sleep better",
    "meet new people",
    "sort out their bills",
    "go back to work",
    "feel more confident",
    "get more active",
    "manage their pain",
    "volunteer",
];
const FEELINGS: &[&str] = &[
    "motivated",
    "listened to",
    "hopeful",
    "in control",
    "supported",
    "proud",
    "less alone",
    "anxious",
];
const SKILLS: &[&str] = &[
    "listening",
    "asking open questions",
    "building rapport",
    "patience",
    "reflecting back",
    "knowing the local services",
    "setting small goals",
    "being non-judgemental",
];

const PARTICIPANT: &[&str] = &[
    "I had {person} come to me with {need}, and the first thing we did was talk about what matters to them.",
    "We started really small, so the goal was just to {goal} once a week.",
    "A lot of it is {skill}, to be honest, because people want to feel {feeling}.",
    "I referred them to {place}, and after a few weeks they were going on their own.",
    "The GP had tried medication but what they actually needed was help with {need}.",
    "You can't just tell people what to do, they have to want to {goal} themselves.",
    "I always ask what a good week would look like for them.",
    "Funding for {place} is always a worry, it could go at any time.",
    "My caseload is about forty people at the moment, which is a lot.",
    "They told me their story and it all made sense after that.",
    "When they came back they said they felt {feeling}, which was lovely to hear.",
    "We wrote down an action plan together and I rang them the following week.",
    "Some people are not ready, and that's fine, we keep the door open.",
    "The training covered {skill} but you really learn it on the job.",
    "I think the key thing is that they are in the driving seat, not me.",
    "It took three appointments before they mentioned {need}.",
    "Sometimes it's just about building their confidence to {goal}.",
    "The referrals mostly come from the practice nurses and the GPs.",
    "We look at what they are already good at and build on that.",
    "I find {skill} makes the biggest difference in the first session.",
    "They had been to {place} years ago and wanted to go back.",
    "Honestly it's about giving people time, which nobody else has.",
    "The system we use for recording is a bit clunky but it works.",
    "Once they felt {feeling} everything else started to follow.",
];
const INTERVIEWER: &[&str] = &[
    "Could you tell me a bit more about that?",
    "How do you usually start a first appointment?",
    "What do you think makes the difference for people?",
    "And how did they get on with {place}?",
    "What skills do you think a link worker needs?",
    "How do you know when it has worked?",
    "Can you give me an example of that?",
    "What happens when someone is not ready to change?",
    "How do you set goals with people?",
    "Is there anything that gets in the way?",
    "That's really interesting. What happened next?",
    "How would you describe your role to someone new?",
];

/// One sentence from `templates`, with its slots filled.
pub fn sentence<R: Rng>(rng: &mut R, templates: &[&str]) -> String {
    let t = templates.choose(rng).copied().unwrap_or("");
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let list = match &rest[open + 1..close] {
            "person" => PEOPLE,
            "need" => NEEDS,
            "place" => PLACES,
            "goal" => GOALS,
            "feeling" => FEELINGS,
            _ => SKILLS,
        };
        out.push_str(list.choose(rng).copied().unwrap_or(""));
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// A participant's answer of about `words` words.
pub fn answer<R: Rng>(rng: &mut R, words: usize) -> String {
    let mut out = String::new();
    while out.split_whitespace().count() < words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&sentence(rng, PARTICIPANT));
    }
    out
}

/// An interviewer's question.
pub fn question<R: Rng>(rng: &mut R) -> String {
    sentence(rng, INTERVIEWER)
}
