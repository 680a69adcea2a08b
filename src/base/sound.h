/* sound: the kinds of sound a session asks for, shared by every layer that
 * names them (the parser writes them, the timeline carries them, the engine
 * plays them, the display and the drawing show them). Plain C11. */
#ifndef ADEM_SOUND_H
#define ADEM_SOUND_H

/* A phase's tone: gliding up (breathing in), down (out), level (holding). */
typedef enum adem_tone { ADEM_TONE_NONE = 0, ADEM_TONE_RISE, ADEM_TONE_FALL, ADEM_TONE_STEADY } adem_tone;

/* A background noise bed. */
typedef enum adem_noise { ADEM_NOISE_OFF = 0, ADEM_NOISE_PINK, ADEM_NOISE_BROWN } adem_noise;

#endif
