# ruff: noqa: E501 - verbatim published text (typographic quotes and dashes), kept unwrapped
"""Episode 403 as published, verbatim from the seed text: the spoken article and its calls to action."""

TITLE = "Backward Walking for Back Pain – Episode 403"
# The seed has no summary; this one is ours, for listings, feeds and search results.
SUMMARY = (
    "Walking backward, or retro-walking, is a simple and accessible tool for chronic low back pain: "
    "why it helps and how to start safely."
)

# The demo's own length of the video, past the last highlight.
DURATION = "6:48"

HIGHLIGHTS = [
    # (text, timestamp): the seed lists the three highlights; the timestamps are the demo's own.
    ("Introduction to retro-walking", "0:00"),
    ("Benefits of retro-walking", "1:05"),
    ("Tips & progressions as you get started", "2:20"),
]

TRAINER_CTA = "Looking for individualized coaching? Search trainers on our Find A Trainer page"
COURSE_PROMO = "Learn more about the vestibular system with The Balance Gym"

# The spoken article in order; the two calls to action sit where the episode page shows them.
BODY = [
    (
        "paragraph",
        "Today we’re going to talk about a very, very simple tool that you can use for chronic low "
        "back pain. It is called, believe it or not, retro-walking. It’s a very complicated, silly "
        "name for just walking backward as a potential therapy for people with chronic low back "
        "pain.",
    ),
    ("trainer_finder", TRAINER_CTA),
    (
        "paragraph",
        "I’ve been teaching backward walking and backward running mechanics for a very long time "
        "for athletes.",
    ),
    (
        "paragraph",
        "But what’s really cool is that there is now emerging research that shows that including "
        "backward walking in a rehabilitation program can have pretty profound effects, "
        "particularly in chronic low back pain. There was actually a pretty big study done on "
        "Collegiate level athletes with chronic low back pain.",
    ),
    (
        "paragraph",
        "And they took on a very simple task, which was walking backward, 15 minutes, three times a"
        " week. Now, in most research, studies that you look at, this is being done in a non-"
        "natural environment, meaning they’re on a treadmill. They go to the gym, they turn the "
        "treadmill on, turn away from the machines and the TVs, and they just start walking "
        "backwards on the treadmill.",
    ),
    (
        "paragraph",
        "You don’t have to do this on a treadmill. I actually recommend that you do it in a more "
        "naturalistic environment as long as you can do it safely.",
    ),
    (
        "paragraph",
        "Now, here are the keys. When it comes to backward walking, having taught this to probably,"
        " oh, four or five thousand people over the years, it’s really interesting to watch what "
        "happens, You say, “okay I want you to walk backward” and people almost automatically get "
        "tight, they start to get nervous. They want to look behind them. What we want you to be "
        "able to do is stay in a nice upright posture and just simply work on a nice smooth "
        "transition going to the back. Obviously, when you’re doing this it’s going to change how "
        "your foot is hitting the ground. You’re going to be extending the hip. The main thing that"
        " I also want you to focus on is being nice and soft and smooth and ensuring that you "
        "obtain appropriate arm coordination.",
    ),
    (
        "paragraph",
        "Because a lot of people, when they first start walking backward, they get a little "
        "confused about what their arm is supposed to do. So just make sure that you go through "
        "this slowly in the beginning. If you’re doing it outside or in your house make sure that "
        "you’re not going to fall. Look behind you and ensure that there’s not a tripping hazard. "
        "If you’re doing this outside, I recommend that if you’re going for a walk, turn around and"
        " walk for 10 or 20 steps and then turn around and go forward again and just throughout the"
        " walk, get in a little bit of practice of this regular backward walking.",
    ),
    (
        "paragraph",
        "So one of the reasons that it benefits you is it changes impact forces. It changes how "
        "you’re hitting the ground because it’s altering how your foot is hitting. It’s changing "
        "muscular activity. But also from a brain-based perspective, moving backward stimulates the"
        " vestibular system in kind of a unique way compared to what we regularly do. And the "
        "vestibular system, when it has some mild dysfunction, has been tied into chronic low back "
        "pain.",
    ),
    ("course_promo", COURSE_PROMO),
    (
        "paragraph",
        "So backward walking or retro-walking is a cool, easily accessible tool to almost everyone."
        " I highly recommend that you give it a shot.",
    ),
]
